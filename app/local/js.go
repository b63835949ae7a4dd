//go:build js && wasm

package local

import (
	"context"
	"errors"
	"syscall/js"
)

var (
	jsUint8Array  = js.Global().Get("Uint8Array")
	jsArrayBuffer = js.Global().Get("ArrayBuffer")
	jsObject      = js.Global().Get("Object")
	jsArray       = js.Global().Get("Array")
)

// bytesToJS copies b into a new Uint8Array.
func bytesToJS(b []byte) js.Value {
	a := jsUint8Array.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// bytesFromJS copies a Uint8Array or ArrayBuffer into Go; anything else
// gives nil.
func bytesFromJS(v js.Value) []byte {
	if v.Type() != js.TypeObject {
		return nil
	}
	if v.InstanceOf(jsArrayBuffer) {
		v = jsUint8Array.New(v)
	} else if !v.InstanceOf(jsUint8Array) {
		return nil
	}
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// jsError turns a thrown or rejected JavaScript value into an error, by the
// DOMException's name where there is one.
func jsError(v js.Value) error {
	if v.Type() == js.TypeObject && !v.IsNull() {
		name, msg := v.Get("name"), v.Get("message")
		if name.Type() == js.TypeString {
			m := ""
			if msg.Type() == js.TypeString {
				m = msg.String()
			}
			return domError(name.String(), m)
		}
	}
	if v.IsNull() || v.IsUndefined() {
		return ErrAborted
	}
	return &DOMError{Name: "Error", Message: v.String()}
}

// try runs f, turning a JavaScript exception it throws into an error.
func try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var je js.Error
			if e, ok := r.(error); ok && errors.As(e, &je) {
				err = jsError(je.Value)
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// await waits for a promise to settle.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsError(args[0])}
		return nil
	})
	p.Call("then", then, catch)
	select {
	case r := <-ch:
		then.Release()
		catch.Release()
		return r.v, r.err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err() // the funcs stay alive for the late answer
	}
}

// funcs collects js.Funcs to release together.
type funcs []js.Func

func (f *funcs) add(fn func(this js.Value, args []js.Value) any) js.Func {
	j := js.FuncOf(fn)
	*f = append(*f, j)
	return j
}

func (f *funcs) release() {
	for _, j := range *f {
		j.Release()
	}
	*f = nil
}
