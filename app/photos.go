package app

import (
	"context"
	"fmt"
	"slices"
	gosync "sync"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Photos are attachment records plus their bytes. A photo taken with the
// tablet's camera is made smaller on the tablet (web/static/jiuzhu.js),
// kept encrypted in its store like every record, and uploaded in chunks
// beside the sync connection by the uploader, which resumes where the
// server's copy stops after a lost network. A tablet that has the record
// but not the bytes (a supervisor's) downloads them when it shows them.

const (
	maxPhotoInput = 30 << 20 // a picture larger than this is refused before it is read
	photoSide     = 1600     // the longer side after resizing, in pixels
	photoQuality  = 0.82     // JPEG quality after resizing
)

// photoTypes are the records a photo can be added to.
var photoTypes = []string{model.TypeActivity, model.TypeGroupSession}

// stateUploads is the uploads waiting, under way or done since the app
// started: sha → percent sent (-1: waiting; 100: on the server).
const stateUploads = "jiuzhu.uploads"

// uploader sends the photos taken on this tablet to the server, one round
// at a time: a kick during a round asks for another.
type uploader struct {
	mu      gosync.Mutex
	running bool
	again   bool
	done    map[string]bool // uploaded since the app started
}

var theUploader uploader

// kick starts a round unless one is under way (then it asks for another).
func (u *uploader) kick() {
	u.mu.Lock()
	if u.running {
		u.again = true
		u.mu.Unlock()
		return
	}
	u.running = true
	u.mu.Unlock()
	go func() {
		for {
			u.round(context.Background())
			u.mu.Lock()
			if !u.again {
				u.running = false
				u.mu.Unlock()
				return
			}
			u.again = false
			u.mu.Unlock()
		}
	}()
}

// round uploads every pending photo; it stops at the first failure (most
// likely the network: the next kick resumes).
func (u *uploader) round(ctx context.Context) {
	st, token := theDevice.Store(), theDevice.Token()
	if st == nil || token == "" {
		return
	}
	shas, err := st.PendingBlobs(ctx)
	if err != nil {
		return
	}
	progress := map[string]int{}
	for _, sha := range shas {
		progress[sha] = -1
	}
	u.publish(progress)
	if len(shas) == 0 {
		return
	}
	for _, sha := range shas {
		data, ok, err := st.Blob(ctx, sha)
		if err != nil || !ok {
			continue
		}
		last := time.Time{}
		err = account.Upload(ctx, account.FetchBlobs{Token: token}, sha, data, func(n int64) {
			if time.Since(last) > 200*time.Millisecond {
				last = time.Now()
				progress[sha] = min(int(n*100/max(int64(len(data)), 1)), 99)
				u.publish(progress)
			}
		})
		if err != nil {
			goapp.Log("jiuzhu: photo upload stopped:", err)
			return
		}
		if err := st.BlobUploaded(ctx, sha); err != nil {
			return
		}
		delete(progress, sha)
		u.mu.Lock()
		if u.done == nil {
			u.done = map[string]bool{}
		}
		u.done[sha] = true
		u.mu.Unlock()
		u.publish(progress)
	}
}

// publish tells the pages what waits, what is being sent and what went.
func (u *uploader) publish(p map[string]int) {
	cp := make(map[string]int, len(p))
	u.mu.Lock()
	for sha := range u.done {
		cp[sha] = 100
	}
	u.mu.Unlock()
	for k, v := range p {
		cp[k] = v
	}
	events.publish(func(e *deviceEvent) { e.uploads = cp })
}

// onPhoto takes the picture chosen (or just taken), resizes it, stores it
// and adds its attachment record under this page's record.
func (p *recordPage) onPhoto(ctx goapp.Context, e goapp.Event) {
	input := e.Get("target")
	files := input.Get("files")
	l := langOf(p.lang)
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	file := files.Index(0)
	input.Set("value", "")
	size, name, typ := file.Get("size").Int(), file.Get("name").String(), file.Get("type").String()
	switch {
	case size > maxPhotoInput:
		p.photoMsg = fmt.Sprintf(i18n.T(l, i18n.PhotoTooLarge), size>>20, maxPhotoInput>>20)
		return
	case len(typ) < 6 || typ[:6] != "image/":
		p.photoMsg = i18n.T(l, i18n.PhotoNotImage)
		return
	}
	st, sess := theDevice.Store(), theDevice.Session()
	me, _ := theDevice.User()
	if st == nil || sess == nil {
		return
	}
	p.photoMsg = i18n.T(l, i18n.PhotoWorking)
	root, parent := p.root, p.id
	ctx.Async(func() {
		c := context.Background()
		start := time.Now()
		res, err := awaitJS(c, goapp.Window().Call("jiuzhuPhoto", file, photoSide, photoQuality))
		if err != nil {
			ctx.Dispatch(func(goapp.Context) { p.photoMsg = i18n.T(l, i18n.PhotoNotImage) })
			return
		}
		arr := res.Get("bytes")
		data := make([]byte, arr.Length())
		goapp.CopyBytesToGo(data, arr)
		sha := res.Get("sha").String()
		if len(data) > api.MaxBlob {
			ctx.Dispatch(func(goapp.Context) {
				p.photoMsg = fmt.Sprintf(i18n.T(l, i18n.PhotoTooLarge), len(data)>>20, api.MaxBlob>>20)
			})
			return
		}
		resized := time.Since(start)
		if err := st.PutBlob(c, sha, data, true); err != nil {
			ctx.Dispatch(func(goapp.Context) { p.photoMsg = saveError(l, err) })
			return
		}
		t, _ := registry.Type(model.TypeAttachment)
		id := newRecID(model.TypeAttachment)
		edits := append(newRecordEdits(t, id, root, parent, me),
			sync.Edit{Rec: id, Field: "name", Value: model.Str(trimName(name))},
			sync.Edit{Rec: id, Field: "mime", Value: model.Str("image/jpeg")},
			sync.Edit{Rec: id, Field: "size", Value: fmt.Sprint(len(data))},
			sync.Edit{Rec: id, Field: "sha256", Value: model.Str(sha)},
			sync.Edit{Rec: id, Field: "taken", Value: model.Date(time.Now())},
		)
		if _, err := sess.Edit(c, me, edits...); err != nil {
			ctx.Dispatch(func(goapp.Context) { p.photoMsg = saveError(l, err) })
			return
		}
		stored := time.Since(start)
		theDevice.Kick() // see saveEdits
		theUploader.kick()
		goapp.Log(fmt.Sprintf("jiuzhu: photo %d → %d bytes, resized in %d ms, stored in %d ms", size, len(data), resized.Milliseconds(), stored.Milliseconds()))
		ctx.Dispatch(func(ctx goapp.Context) {
			p.photoMsg = i18n.T(l, i18n.PhotoSaved)
			p.photoStats = fmt.Sprintf("%d %d %d %d", size, len(data), resized.Milliseconds(), stored.Milliseconds())
			p.load(ctx)
		})
	})
}

// trimName keeps a file name within the attachment's name field.
func trimName(s string) string {
	r := []rune(s)
	if len(r) > 100 {
		r = r[len(r)-100:]
	}
	if len(r) == 0 {
		return "photo.jpg"
	}
	return string(r)
}

// photos is the photo section of a record page: the photos under it and
// the camera button.
func (p *recordPage) photos(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	var figs []ui
	for _, r := range p.recs {
		if r.ID.Type() != model.TypeAttachment {
			continue
		}
		if v, _ := r.Get(model.FieldParent); v != model.Str(string(p.id)) {
			continue
		}
		str := func(f string) string { v, _ := r.Get(f); s, _ := model.AsString(v); return s }
		figs = append(figs, &photoView{SHA: str("sha256"), Mime: str("mime"), Name: str("name")})
	}
	body := []ui{goapp.H2().Text(t(i18n.PhotoTitle))}
	if len(figs) > 0 {
		body = append(body, goapp.Div().ID("photo-list").Class("jz-photos").Body(figs...))
	}
	body = append(body,
		goapp.Label().For("photo-input").Class("button secondary jz-photo-take").Text(t(i18n.PhotoTake)),
		goapp.Input().ID("photo-input").Type("file").Class("jz-visually-hidden").Attr("accept", "image/*").Attr("capture", "environment").OnChange(p.onPhoto),
	)
	if p.photoMsg != "" {
		body = append(body, goapp.P().ID("photo-msg").Attr("role", "status").DataSet("stats", p.photoStats).Text(p.photoMsg))
	}
	return goapp.Section().ID("photos").Body(body...)
}

// photoView shows one photo from the tablet's store, or downloads it from
// the server when the tablet has only its record; and whether it is still
// waiting to be uploaded.
type photoView struct {
	goapp.Compo
	SHA, Mime, Name string
	lang            string
	uploads         map[string]int
	url             string
	missing         bool
	pending         bool // taken here and not yet uploaded, as the store said on load
	sync            syncer.Status
}

func (v *photoView) OnMount(ctx goapp.Context) {
	observeLang(ctx, &v.lang)
	ctx.ObserveState(stateUploads, &v.uploads)
	ctx.ObserveState(stateSync, &v.sync).OnChange(func() {
		if v.url == "" {
			v.load(ctx)
		}
	})
	v.load(ctx)
}

func (v *photoView) load(ctx goapp.Context) {
	st, token, sha, mime := theDevice.Store(), theDevice.Token(), v.SHA, v.Mime
	if st == nil || sha == "" {
		return
	}
	ctx.Async(func() {
		c := context.Background()
		pending := false
		if shas, err := st.PendingBlobs(c); err == nil {
			pending = slices.Contains(shas, sha)
		}
		data, ok, err := st.Blob(c, sha)
		if err == nil && !ok && token != "" {
			if data, err = (account.FetchBlobs{Token: token}).Get(c, sha); err == nil {
				ok = true
				if err := st.PutBlob(c, sha, data, false); err != nil {
					goapp.Log("jiuzhu: photo not kept:", err)
				}
			}
		}
		if !ok || err != nil {
			ctx.Dispatch(func(goapp.Context) { v.missing = true })
			return
		}
		arr := goapp.Window().Get("Uint8Array").New(len(data))
		goapp.CopyBytesToJS(arr, data)
		url := goapp.Window().Call("jiuzhuObjectURL", arr, mime).String()
		ctx.Dispatch(func(goapp.Context) { v.url, v.missing, v.pending = url, false, pending })
	})
}

func (v *photoView) OnDismount() {
	if v.url != "" {
		goapp.Window().Get("URL").Call("revokeObjectURL", v.url)
	}
}

func (v *photoView) Render() ui {
	l := langOf(v.lang)
	n, known := v.uploads[v.SHA]
	if !known && v.pending {
		n, known = -1, true // the uploader has not run since the app started
	}
	cls, state := "uploaded", i18n.T(l, i18n.PhotoUploaded)
	switch {
	case known && n < 0:
		cls, state = "waiting", i18n.T(l, i18n.PhotoWaiting)
	case known && n < 100:
		cls, state = "uploading", fmt.Sprintf(i18n.T(l, i18n.PhotoUploading), n)
	}
	var img ui = goapp.Div().Class("jz-photo-missing").Text(i18n.T(l, i18n.AppLoading))
	if v.missing {
		img = goapp.Div().Class("jz-photo-missing").Text(i18n.T(l, i18n.PhotoNotHere))
	}
	if v.url != "" {
		img = goapp.Img().Src(v.url).Alt(v.Name)
	}
	return goapp.Figure().Class("jz-photo").DataSet("sha", v.SHA).DataSet("upload", cls).DataSet("shown", v.url != "").Body(
		img, goapp.FigCaption().Text(v.Name+" · "+state))
}

// awaitJS waits for a JavaScript promise to settle.
func awaitJS(ctx context.Context, p goapp.Value) (goapp.Value, error) {
	type result struct {
		v   goapp.Value
		err error
	}
	ch := make(chan result, 1)
	then := goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch := goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		msg := "rejected"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: fmt.Errorf("%s", msg)}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
