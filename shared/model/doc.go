// Package model declares Jiuzhu's domain: every record type of the
// social-assistance social-work standard (DB62/T 4987-2024 and the MZ/T
// standards it cites) with its fields, zh/en labels, required-at-stage
// rules, PIPL-sensitive flags and whether it is append-only; the code lists
// (target categories, service categories, methods, stages, …) as data a
// province can extend; validation of field values (GB 11643 resident ID
// numbers, phone numbers, dates, money with unit/period/area) with keyed,
// translatable messages; masking; and the derivation of a case's stage from
// its child records.
//
// Each record type is declared once, in the types_*.go files. Forms,
// validation, exports and sync read that declaration through Registry;
// nothing re-lists fields elsewhere.
//
// Field values are canonical JSON strings, exactly as they travel in
// jiuzhu/shared/sync changes; the Value helpers produce them. A Registry
// satisfies sync.Schema (AppendOnly, CheckField) without importing sync.
//
// The package is pure: standard library only, no I/O, no wall clock (dates
// such as "today" are passed in), no syscall/js, no bbolt, no network. It is
// compiled into both the WebAssembly PWA and the server. It must not import
// jiuzhu/shared/sync or any other jiuzhu package.
package model
