// Package storetest is the contract test suite of store.Store: every
// implementation (store/mem, store/bolt, later PostgreSQL) runs Run from its
// own tests, so they all keep the same semantics. It checks what any
// implementation must do; durability across a reopen is left to the
// implementations that have a disk.
package storetest
