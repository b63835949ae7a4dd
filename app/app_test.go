package app

import (
	"strings"
	"testing"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// render loads c into go-app's test engine and returns the HTML it produces.
func render(t *testing.T, c goapp.Composer) string {
	t.Helper()
	e := goapp.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return goapp.HTMLString(c)
}

func TestHomeLinksEverySection(t *testing.T) {
	html := render(t, &homePage{})
	for _, s := range Sections {
		if !strings.Contains(html, `href="`+s.Path+`"`) {
			t.Errorf("home has no link to %s", s.Path)
		}
		if !strings.Contains(html, i18n.T(i18n.ZH, s.Title)) {
			t.Errorf("home lacks the title of %s", s.Path)
		}
	}
	if !strings.Contains(html, i18n.T(i18n.ZH, i18n.HomeWelcome)) {
		t.Error("home lacks its heading")
	}
}

func TestPagesInEnglish(t *testing.T) {
	html := render(t, &sectionPage{Section: Sections[0], lang: string(i18n.EN)})
	for _, want := range []string{"Cases", "There are no records on this device yet.", `aria-current="page"`} {
		if !strings.Contains(html, want) {
			t.Errorf("English cases page lacks %q", want)
		}
	}
	if strings.Contains(html, "没有记录") {
		t.Error("English page shows Chinese text")
	}
}

func TestNotFoundPage(t *testing.T) {
	html := render(t, &notFoundPage{})
	if !strings.Contains(html, i18n.T(i18n.ZH, i18n.NotFoundTitle)) || !strings.Contains(html, `href="/"`) {
		t.Errorf("not-found page lacks its title or the way home:\n%s", html)
	}
}

func TestIsRoute(t *testing.T) {
	for _, p := range []string{"/", "/cases", "/groups", "/community", "/volunteers", "/supervision", "/reports"} {
		if !IsRoute(p) {
			t.Errorf("IsRoute(%q) = false", p)
		}
	}
	for _, p := range []string{"", "/case", "/cases/", "/nope", "/web/app.wasm"} {
		if IsRoute(p) {
			t.Errorf("IsRoute(%q) = true", p)
		}
	}
}

func TestStatusBadgeStates(t *testing.T) {
	for st, want := range map[netState]string{
		netUnknown: i18n.T(i18n.ZH, i18n.StatusChecking),
		netOnline:  i18n.T(i18n.ZH, i18n.StatusOnline),
		netOffline: i18n.T(i18n.ZH, i18n.StatusOffline),
	} {
		html := render(t, &statusBadge{state: st})
		if !strings.Contains(html, want) {
			t.Errorf("state %d: badge %q lacks %q", st, html, want)
		}
	}
}

func TestUpdateBanner(t *testing.T) {
	if html := render(t, &updateBanner{}); strings.Contains(html, "update-banner") {
		t.Error("banner shown with no update")
	}
	html := render(t, &updateBanner{available: true, lang: string(i18n.EN)})
	if !strings.Contains(html, "A new version is available") || !strings.Contains(html, "Reload") {
		t.Errorf("banner = %s", html)
	}
}
