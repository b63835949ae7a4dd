package i18n

// The export panel (app/export.go): spreadsheets of the server's records.
const (
	ExportTitle          Key = "export.title"
	ExportIntro          Key = "export.intro"
	ExportWhat           Key = "export.what"
	ExportCases          Key = "export.what.cases"
	ExportServices       Key = "export.what.services"
	ExportGroups         Key = "export.what.groups"
	ExportSessions       Key = "export.what.sessions"
	ExportAttendance     Key = "export.what.attendance"
	ExportActivities     Key = "export.what.activities"
	ExportVolunteerHours Key = "export.what.volunteer_hours"
	ExportFormat         Key = "export.format"
	ExportXLSX           Key = "export.format.xlsx"
	ExportCSV            Key = "export.format.csv"
	ExportFrom           Key = "export.from"
	ExportTo             Key = "export.to"
	ExportPeriodHint     Key = "export.period_hint"
	ExportFull           Key = "export.full"
	ExportFullHint       Key = "export.full_hint"
	ExportButton         Key = "export.button"
	ExportWorking        Key = "export.working"
	ExportDone           Key = "export.done"
	ExportDoneMasked     Key = "export.done_masked"
	ExportFailed         Key = "export.failed"
	ExportOffline        Key = "export.offline"
	ExportNoAccount      Key = "export.no_account"
	ExportBadPeriod      Key = "export.bad_period"
	ExportCare           Key = "export.care"
)

func init() {
	add(map[Key]entry{
		ExportTitle: {"导出数据", "Export data"},
		ExportIntro: {"从服务器导出您有权查看的记录，表头为中文，可用 Excel 或 WPS 打开。",
			"Export the records you may see from the server, with Chinese column headers, to open in Excel or WPS."},
		ExportWhat:           {"导出内容", "Records"},
		ExportCases:          {"个案", "Cases"},
		ExportServices:       {"服务记录", "Service records"},
		ExportGroups:         {"小组、活动记录及出勤（多个工作表）", "Groups, sessions and attendance (several sheets)"},
		ExportSessions:       {"小组活动记录", "Group sessions"},
		ExportAttendance:     {"小组出勤", "Group attendance"},
		ExportActivities:     {"社区活动", "Community activities"},
		ExportVolunteerHours: {"志愿服务时长", "Volunteer hours"},
		ExportFormat:         {"文件格式", "File format"},
		ExportXLSX:           {"Excel 工作簿（.xlsx）", "Excel workbook (.xlsx)"},
		ExportCSV:            {"CSV 文本（.csv，UTF-8）", "CSV text (.csv, UTF-8)"},
		ExportFrom:           {"开始日期", "From"},
		ExportTo:             {"结束日期", "To"},
		ExportPeriodHint: {"按记录的日期筛选（个案按开案日期），不填则导出全部。",
			"Filters on each record's date (a case's opening date); leave empty to export everything."},
		ExportFull: {"完整显示敏感信息", "Show sensitive information in full"},
		ExportFullHint: {"仅对您本人负责的记录，或您督导的团队的记录有效，其余仍隐藏；每次导出都记入审计。",
			"Only for records you are responsible for, or your team's if you supervise it; others stay masked. Every export is audited."},
		ExportButton:     {"导出", "Export"},
		ExportWorking:    {"正在导出…", "Exporting…"},
		ExportDone:       {"已导出 %d 行：%s", "Exported %d rows: %s"},
		ExportDoneMasked: {"已导出 %d 行：%s（其中 %d 行的敏感信息已隐藏）", "Exported %d rows: %s (sensitive information masked in %d of them)"},
		ExportFailed:     {"导出失败（服务器返回 %d）。", "The export failed (the server answered %d)."},
		ExportOffline: {"导出需要联网：数据从服务器导出。请连接网络后再试。",
			"Exporting needs the network: the data comes from the server. Connect and try again."},
		ExportNoAccount: {"请先登录。", "Log in first."},
		ExportBadPeriod: {"开始日期不能晚于结束日期。", "The start date cannot be after the end date."},
		ExportCare: {"导出的文件含有个人信息，请妥善保管，用完即删。",
			"Exported files hold personal information: keep them safe and delete them when done."},
	})
}
