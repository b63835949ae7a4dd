package storetest

import (
	"reflect"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// ids checks a list of record ids against want (nil and empty are equal).
func (e *env) ids(what string, got []sync.RecID, err error, want ...sync.RecID) {
	e.t.Helper()
	e.check(err)
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		e.t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func testRootRecords(e *env) {
	e.update(func(tx store.Tx) error {
		for _, p := range [][2]sync.RecID{{"c/1", "n/2"}, {"c/1", "c/1"}, {"c/1", "n/1"}, {"c/10", "n/3"}, {"c/1", "n/2"}, {"c/", "n/4"}} {
			e.check(tx.IndexRoot(p[0], p[1]))
		}
		got, err := tx.RootRecords("c/1")
		e.ids("RootRecords(c/1) inside the transaction", got, err, "c/1", "n/1", "n/2")
		return nil
	})
	e.update(func(tx store.Tx) error { return tx.IndexRoot("c/1", "n/1") })
	e.view(func(tx store.ReadTx) error {
		got, err := tx.RootRecords("c/1")
		e.ids("RootRecords(c/1)", got, err, "c/1", "n/1", "n/2")
		got, err = tx.RootRecords("c/10")
		e.ids("RootRecords(c/10)", got, err, "n/3")
		got, err = tx.RootRecords("c/")
		e.ids("RootRecords(c/)", got, err, "n/4")
		got, err = tx.RootRecords("c")
		e.ids("RootRecords(c)", got, err)
		return nil
	})
}

func testKeyed(e *env) {
	e.update(func(tx store.Tx) error {
		e.check(tx.IndexKey("id:a", "person/2", true))
		e.check(tx.IndexKey("id:a", "person/1", true))
		e.check(tx.IndexKey("id:a", "person/1", true))
		e.check(tx.IndexKey("id:ab", "person/3", true))
		e.check(tx.IndexKey("id:b", "person/9", false)) // never indexed
		got, err := tx.Keyed("id:a")
		e.ids("Keyed(id:a) inside the transaction", got, err, "person/1", "person/2")
		return nil
	})
	e.update(func(tx store.Tx) error { return tx.IndexKey("id:a", "person/2", false) })
	e.view(func(tx store.ReadTx) error {
		got, err := tx.Keyed("id:a")
		e.ids("Keyed(id:a)", got, err, "person/1")
		got, err = tx.Keyed("id:ab")
		e.ids("Keyed(id:ab)", got, err, "person/3")
		got, err = tx.Keyed("id:")
		e.ids("Keyed(id:)", got, err)
		return nil
	})
}

func testAssign(e *env) {
	e.update(func(tx store.Tx) error {
		e.check(tx.Assign("c/2", "u1", true))
		e.check(tx.Assign("c/1", "u1", true))
		e.check(tx.Assign("c/1", "u1", true))
		e.check(tx.Assign("c/3", "u10", true))
		e.check(tx.Assign("c/9", "u1", false)) // never assigned
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		got, err := tx.Assigned("u1")
		e.ids("Assigned(u1)", got, err, "c/1", "c/2")
		got, err = tx.Assigned("u10")
		e.ids("Assigned(u10)", got, err, "c/3")
		got, err = tx.Assigned("u")
		e.ids("Assigned(u)", got, err)
		return nil
	})
	e.update(func(tx store.Tx) error {
		e.check(tx.Assign("c/2", "u1", false))
		e.check(tx.Assign("c/2", "u1", false))
		got, err := tx.Assigned("u1")
		e.ids("Assigned(u1) inside the transaction", got, err, "c/1")
		return nil
	})
	e.update(func(tx store.Tx) error { return tx.Assign("c/3", "u10", false) })
	e.view(func(tx store.ReadTx) error {
		got, err := tx.Assigned("u1")
		e.ids("Assigned(u1)", got, err, "c/1")
		got, err = tx.Assigned("u10")
		e.ids("Assigned(u10)", got, err)
		return nil
	})
}

func testDeviceRoots(e *env) {
	e.update(func(tx store.Tx) error {
		e.check(tx.SetDeviceRoots("d1", []sync.RecID{"c/2", "c/1"}, nil))
		e.check(tx.SetDeviceRoots("d10", []sync.RecID{"c/7"}, nil))
		return nil
	})
	e.update(func(tx store.Tx) error {
		return tx.SetDeviceRoots("d1", []sync.RecID{"c/3", "c/2"}, []sync.RecID{"c/1", "c/9"})
	})
	e.view(func(tx store.ReadTx) error {
		got, err := tx.DeviceRoots("d1")
		e.ids("DeviceRoots(d1)", got, err, "c/2", "c/3")
		got, err = tx.DeviceRoots("d10")
		e.ids("DeviceRoots(d10)", got, err, "c/7")
		got, err = tx.DeviceRoots("d")
		e.ids("DeviceRoots(d)", got, err)
		return nil
	})
	// A root both added and removed ends up removed.
	e.update(func(tx store.Tx) error {
		return tx.SetDeviceRoots("d1", []sync.RecID{"c/4"}, []sync.RecID{"c/4", "c/2"})
	})
	e.view(func(tx store.ReadTx) error {
		got, err := tx.DeviceRoots("d1")
		e.ids("DeviceRoots(d1)", got, err, "c/3")
		return nil
	})
	e.update(func(tx store.Tx) error { return tx.SetDeviceRoots("d1", nil, []sync.RecID{"c/3"}) })
	e.view(func(tx store.ReadTx) error {
		got, err := tx.DeviceRoots("d1")
		e.ids("DeviceRoots(d1)", got, err)
		return nil
	})
}
