package e2e

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFieldwork measures, in headless Chromium with the CPU throttled
// 4×, the two things a worker waits for in the field besides the case list:
// a tap on the attendance grid of a 30-member group until the mark is saved
// (durable: the IndexedDB transaction committed), and a 4 MB camera photo
// until it is resized, encrypted and stored; and the bytes the photo sends.
func BenchmarkFieldwork(b *testing.B) {
	data := b.TempDir()
	addUser(b, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(b, data, "127.0.0.1:0")
	ctx, _ := newBrowser(b, "")
	navigate(b, ctx, srv.URL+"/groups")
	logIn(b, ctx, "wang", "a-long-password")
	appShows(b, ctx, "小组工作")
	openInApp(b, ctx, "#new-group")
	waitFor(b, ctx, 20*time.Second, "the group form", `document.getElementById("f-name") !== null`)
	saveRecord(b, ctx, map[string]string{"f-name": "三十人小组", "f-type": "education", "f-start": daysAgo(30)}, nil)
	for i := range 30 {
		openInApp(b, ctx, "#add-group_member")
		waitFor(b, ctx, 20*time.Second, "the member form", `document.getElementById("f-name") !== null && document.getElementById("f-name").value === ""`)
		saveRecord(b, ctx, map[string]string{"f-name": fmt.Sprintf("组员%02d", i+1)}, nil)
		openInApp(b, ctx, "#record-back")
		waitFor(b, ctx, 20*time.Second, "the group page", `document.getElementById("add-group_session") !== null`)
	}
	openInApp(b, ctx, "#add-group_session")
	waitFor(b, ctx, 20*time.Second, "the session form", `document.getElementById("f-number") !== null`)
	saveRecord(b, ctx, map[string]string{"f-number": "1", "f-date": daysAgo(0), "f-stage": "forming"}, nil)
	waitFor(b, ctx, 20*time.Second, "the grid", `document.querySelectorAll("#att-grid li").length === 30`)
	dir := b.TempDir()
	photo, size := cameraPhoto(b, dir)
	cpuThrottle(b, ctx, 4)
	defer cpuThrottle(b, ctx, 1)
	for n := 0; n < b.N; n++ {
		var taps []float64
		for i := range 30 {
			taps = append(taps, timed(b, ctx, fmt.Sprintf(`document.getElementById("att-%d").click()`, i),
				fmt.Sprintf(`(() => { const li = document.getElementById("att-%d").closest("li"); return li.dataset.saved === "saved" && li.dataset.state !== "unmarked"; })()`, i)))
		}
		b.Logf("attendance, 30 members, CPU 4×: tap to saved median %.1f ms (min %.1f, max %.1f)", median(taps), minOf(taps), maxOf(taps))
		b.ReportMetric(median(taps), "tap-ms")
		openInApp(b, ctx, "#record-back")
		waitFor(b, ctx, 20*time.Second, "the group page", `document.getElementById("add-group_session") !== null`)
		openInApp(b, ctx, ".jz-rows a[href*='group_session']")
		waitFor(b, ctx, 20*time.Second, "the photo button", `document.getElementById("photo-input") !== null`)
		var resize, store []float64
		var kept int
		for range 3 {
			before := eval[int](b, ctx, `document.querySelectorAll("#photo-list figure").length`)
			choosePhoto(b, ctx, photo)
			waitFor(b, ctx, 120*time.Second, "the photo kept", fmt.Sprintf(`document.querySelectorAll("#photo-list figure").length === %d && document.getElementById("photo-msg").textContent.startsWith("照片已加密保存在本机")`, before+1))
			st := photoStats(b, ctx)
			resize, store, kept = append(resize, float64(st[2])), append(store, float64(st[3])), st[1]
		}
		b.Logf("photo, CPU 4×: a %d-byte camera picture → %d bytes kept and sent (%.1f%%, in %d chunks of 256 KiB); resize median %.0f ms, resize + encrypt + store median %.0f ms",
			size, kept, 100*float64(kept)/float64(size), (kept+256<<10-1)/(256<<10), median(resize), median(store))
		b.ReportMetric(median(store), "photo-ms")
		b.ReportMetric(float64(kept), "photo-bytes")
	}
}

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = min(m, x)
	}
	return m
}

func maxOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
