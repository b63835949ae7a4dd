package api

// GET /api/export?what=…&format=xlsx|csv[&from=YYYY-MM-DD][&to=YYYY-MM-DD][&full=1]
// answers a spreadsheet of the records the caller may see (server/export.go).
// The answer is the file itself, named in Content-Disposition; its headers
// say how many rows it holds and how many of them were masked.

// What an export holds (what=). Groups give three sheets in XLSX (groups,
// sessions, attendance); a CSV file holds one table, the first.
const (
	ExportCases          = "cases"
	ExportServices       = "services"
	ExportGroups         = "groups"
	ExportSessions       = "sessions"
	ExportAttendance     = "attendance"
	ExportActivities     = "activities"
	ExportVolunteerHours = "volunteer_hours"
)

// ExportKinds lists the what= values in the order a form offers them.
var ExportKinds = []string{ExportCases, ExportServices, ExportGroups, ExportSessions, ExportAttendance,
	ExportActivities, ExportVolunteerHours}

// Export formats (format=).
const (
	ExportXLSX = "xlsx"
	ExportCSV  = "csv"
)

// Headers of an export's answer.
const (
	// HeaderExportRows is the number of data rows in the file (every
	// sheet).
	HeaderExportRows = "X-Jiuzhu-Rows"
	// HeaderExportMasked is the number of those rows whose sensitive
	// values were masked (0: nothing was).
	HeaderExportMasked = "X-Jiuzhu-Masked"
)
