package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"image"
	"image/jpeg"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// cameraPhoto writes a 12-megapixel JPEG of about 4 MB, like a tablet
// camera's, and returns its path and size.
func cameraPhoto(t testing.TB, dir string) (string, int) {
	t.Helper()
	w, h := 4000, 3000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := mrand.New(mrand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			n := r.IntN(30)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x/16+n), uint8(y/12+n), uint8((x+y)/28+n), 255
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "IMG_0001.jpg")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Len()
}

// choosePhoto puts a file in the photo input, as the camera would.
func choosePhoto(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	within(t, ctx, 20*time.Second, "choosing "+path, chromedp.SetUploadFiles("#photo-input", []string{path}))
}

// photoStats are the figures of the last photo taken: bytes in, bytes
// kept (and sent), ms to resize, ms to resize and store.
func photoStats(t testing.TB, ctx context.Context) [4]int {
	t.Helper()
	var out [4]int
	for i, f := range strings.Fields(eval[string](t, ctx, `document.getElementById("photo-msg").dataset.stats`)) {
		out[i], _ = strconv.Atoi(f)
	}
	return out
}

// Offline, a worker records a community activity with a photo from the
// camera (a picture over the size limit is refused, the activity kept);
// back online the photo uploads, and the team's supervisor sees the
// activity and the photo on their tablet.
func TestCommunityPhotoOffline(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "li", "a-long-password", "worker", "t1", "620102")
	addUser(t, data, "zhao", "a-long-password", "supervisor", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	b, _ := newBrowser(t, "")
	s, _ := newBrowser(t, "")
	for tab, user := range map[context.Context]string{b: "li", s: "zhao"} {
		navigate(t, tab, srv.URL+"/community")
		logIn(t, tab, user, "a-long-password")
		appShows(t, tab, "社区活动")
	}
	waitFor(t, b, 60*time.Second, "the service worker", `navigator.serviceWorker.controller !== null`)
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}

	t.Log("offline: an activity and its photo")
	openInApp(t, b, "#new-community_activity")
	waitFor(t, b, 20*time.Second, "the activity form", `document.getElementById("f-aim") !== null`)
	saveRecord(t, b, map[string]string{"f-aim": "社区义诊", "f-date": daysAgo(0), "f-place": "东岗社区广场", "f-others_count": "40"}, nil)
	waitFor(t, b, 20*time.Second, "the photo button", `document.getElementById("photo-input") !== null`)
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.jpg")
	junk := make([]byte, 31<<20)
	rand.Read(junk)
	if err := os.WriteFile(huge, junk, 0o644); err != nil {
		t.Fatal(err)
	}
	choosePhoto(t, b, huge)
	waitFor(t, b, 10*time.Second, "the picture refused", `document.getElementById("photo-msg") !== null && document.getElementById("photo-msg").textContent.includes("超过 30 MB")`)
	if eval[bool](t, b, `document.getElementById("photo-list") !== null`) {
		t.Fatal("a picture over the limit was kept")
	}
	if v := eval[string](t, b, `document.getElementById("f-aim").value`); v != "社区义诊" {
		t.Fatalf("the activity changed: %q", v)
	}
	photo, size := cameraPhoto(t, dir)
	choosePhoto(t, b, photo)
	waitFor(t, b, 60*time.Second, "the photo kept", `document.getElementById("photo-msg").textContent.startsWith("照片已加密保存在本机") && document.querySelector("#photo-list figure[data-shown=true]") !== null`)
	st := photoStats(t, b)
	t.Logf("photo %d bytes in, %d kept; resized in %d ms, stored in %d ms", st[0], st[1], st[2], st[3])
	if st[0] != size || st[1] <= 0 || st[1] >= size/2 {
		t.Errorf("photo figures %v for a %d-byte picture", st, size)
	}
	// The object URL is set (data-shown) before the image is decoded.
	waitFor(t, b, 30*time.Second, "the kept photo decoded", `document.querySelector("#photo-list img").complete && document.querySelector("#photo-list img").naturalWidth > 0`)
	if w := eval[int](t, b, `document.querySelector("#photo-list img").naturalWidth`); w != 1600 {
		t.Errorf("the kept photo is %d px wide, want 1600", w)
	}
	if got := eval[string](t, b, `document.querySelector("#photo-list figure").dataset.upload`); got != "waiting" {
		t.Errorf("offline, the photo is %q, want waiting", got)
	}

	t.Log("back online: the photo uploads")
	startServer(t, data, srv.Addr)
	backOnline(t, b)
	waitFor(t, b, 60*time.Second, "the photo uploaded", `document.querySelector("#photo-list figure").dataset.upload === "uploaded"`)

	t.Log("the supervisor sees the activity and its photo")
	openInApp(t, s, "#nav-community")
	waitFor(t, s, 60*time.Second, "the activity on the supervisor's tablet", `document.querySelector("#list-community_activity a") !== null`)
	openInApp(t, s, "#list-community_activity a")
	waitFor(t, s, 60*time.Second, "the photo downloaded", `document.querySelector("#photo-list figure[data-shown=true] img") !== null && document.querySelector("#photo-list img").naturalWidth === 1600`)
}
