// Package i18n holds the user-interface message catalog of Jiuzhu: every
// label the PWA shows, in Simplified Chinese (zh-CN, the default) and English.
//
// Labels are addressed by typed keys (Key constants declared in catalog.go),
// so a missing label is a compile error, and a test checks that every key has
// both languages. Labels of the domain model (record fields, code lists) live
// with their declarations in shared/model; this catalog is for the interface
// around them.
//
// The package is pure: no I/O, no network, no syscall/js.
package i18n
