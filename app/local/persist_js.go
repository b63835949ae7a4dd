//go:build js && wasm

package local

import (
	"context"
	"syscall/js"
)

func storageManager() (js.Value, error) {
	sm := js.Global().Get("navigator").Get("storage")
	if sm.IsUndefined() || sm.IsNull() {
		return js.Value{}, ErrUnsupported
	}
	return sm, nil
}

// RequestPersistence asks the browser to keep this app's storage under
// storage pressure (navigator.storage.persist), unless it already does. It
// reports whether storage is persistent. Call it once, after the first
// login: browsers may prompt or decide by engagement.
func RequestPersistence(ctx context.Context) (bool, error) {
	sm, err := storageManager()
	if err != nil {
		return false, err
	}
	v, err := await(ctx, sm.Call("persisted"))
	if err != nil {
		return false, err
	}
	if v.Truthy() {
		return true, nil
	}
	v, err = await(ctx, sm.Call("persist"))
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}

// Estimate returns how many bytes this origin stores and may store
// (navigator.storage.estimate).
func Estimate(ctx context.Context) (usage, quota int64, err error) {
	sm, err := storageManager()
	if err != nil {
		return 0, 0, err
	}
	v, err := await(ctx, sm.Call("estimate"))
	if err != nil {
		return 0, 0, err
	}
	return int64(v.Get("usage").Float()), int64(v.Get("quota").Float()), nil
}
