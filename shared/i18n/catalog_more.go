package i18n

// add puts the labels of one area of the app (declared in its own
// catalog_*.go file, each with its Key constants) into the catalog; it
// panics on a key declared twice.
func add(entries map[Key]entry) {
	for k, e := range entries {
		if _, dup := catalog[k]; dup {
			panic("i18n: key declared twice: " + string(k))
		}
		catalog[k] = e
	}
}
