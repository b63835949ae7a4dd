package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// Section is one part of the service reachable from the home page and the
// navigation bar.
type Section struct {
	Path  string
	Title i18n.Key
	Desc  i18n.Key
}

// Sections lists the parts of the service in the order they are shown.
var Sections = []Section{
	{"/cases", i18n.NavCases, i18n.DescCases},
	{"/groups", i18n.NavGroups, i18n.DescGroups},
	{"/community", i18n.NavCommunity, i18n.DescCommunity},
	{"/volunteers", i18n.NavVolunteers, i18n.DescVolunteers},
	{"/supervision", i18n.NavSupervision, i18n.DescSupervision},
	{"/reports", i18n.NavReports, i18n.DescReports},
	{adminPath, i18n.NavAdmin, i18n.DescAdmin},
}

// Register installs the route table. It must be called once, before
// goapp.RunWhenOnBrowser on the tablet and before the server builds its
// handler, so that both render the same pages.
func Register() {
	goapp.Route("/", func() goapp.Composer { return &homePage{} })
	goapp.Route("/review", func() goapp.Composer { return &reviewPage{} })
	goapp.Route("/cases", func() goapp.Composer { return &casesPage{} })
	goapp.Route(casePath, func() goapp.Composer { return &casePage{} })
	goapp.Route(recordPath, func() goapp.Composer { return &recordPage{} })
	goapp.Route(mergePath, func() goapp.Composer { return &mergePage{} })
	goapp.Route(certificatePath, func() goapp.Composer { return &certificatePage{} })
	goapp.Route(personDataPath, func() goapp.Composer { return &personDataPage{} })
	goapp.Route(caseFilePath, func() goapp.Composer { return &caseFilePage{} })
	goapp.Route(historyPath, func() goapp.Composer { return &historyPage{} })
	goapp.Route(adminPath, func() goapp.Composer { return &adminPage{} })
	goapp.Route(reportsPath, func() goapp.Composer { return &reportsPage{} })
	for _, s := range Sections {
		if s.Path == "/cases" || s.Path == adminPath || s.Path == reportsPath {
			continue
		}
		s := s
		goapp.Route(s.Path, func() goapp.Composer { return &sectionPage{Section: s} })
	}
	// Every other path renders the not-found page inside the app, online or
	// offline; the server adds the 404 status (see IsRoute).
	goapp.RouteWithRegexp("^/.*", func() goapp.Composer { return &notFoundPage{} })
	goapp.NotFound = &notFoundPage{}
}

// IsRoute reports whether path is a page of the app (as opposed to the
// not-found page).
func IsRoute(path string) bool {
	if path == "/" || path == "/review" || path == casePath || path == recordPath || path == mergePath || path == certificatePath || path == personDataPath || path == caseFilePath || path == historyPath || path == adminPath {
		return true
	}
	for _, s := range Sections {
		if s.Path == path {
			return true
		}
	}
	return false
}
