package i18n

// Labels of the reports page (app/reports.go). Code labels (categories,
// stages, methods, reasons) come from the model's registry.
const (
	RepPeriod        Key = "reports.period"
	RepMonth         Key = "reports.month"
	RepYear          Key = "reports.year"
	RepCustom        Key = "reports.custom"
	RepAll           Key = "reports.all"
	RepFrom          Key = "reports.from"
	RepTo            Key = "reports.to"
	RepApply         Key = "reports.apply"
	RepRange         Key = "reports.range"
	RepFirst         Key = "reports.first"
	RepLast          Key = "reports.last"
	RepAsOf          Key = "reports.as_of"
	RepSource        Key = "reports.source"
	RepDevice        Key = "reports.device"
	RepServer        Key = "reports.server"
	RepDeviceNote    Key = "reports.device_note"
	RepServerNote    Key = "reports.server_note"
	RepOrg           Key = "reports.org"
	RepOrgAll        Key = "reports.org_all"
	RepFetch         Key = "reports.fetch"
	RepOffline       Key = "reports.offline"
	RepBadPeriod     Key = "reports.bad_period"
	RepPrint         Key = "reports.print"
	RepDashboard     Key = "reports.dashboard"
	RepPerformance   Key = "reports.performance"
	RepItem          Key = "reports.item"
	RepNumber        Key = "reports.number"
	RepTotal         Key = "reports.total"
	RepMonthCol      Key = "reports.month_col"
	RepNoDate        Key = "reports.no_date"
	RepChartOf       Key = "reports.chart_of"
	RepCases         Key = "reports.cases"
	RepTarget        Key = "reports.target"
	RepNoTarget      Key = "reports.no_target"
	RepStage         Key = "reports.stage"
	RepSvcCategory   Key = "reports.svc_category"
	RepSvcMethod     Key = "reports.svc_method"
	RepSvcMonth      Key = "reports.svc_month"
	RepSvcMonthCat   Key = "reports.svc_month_cat"
	RepSvcMonthMeth  Key = "reports.svc_month_method"
	RepNoServices    Key = "reports.no_services"
	RepGroupsTitle   Key = "reports.groups_title"
	RepGroups        Key = "reports.groups"
	RepSessions      Key = "reports.sessions"
	RepAttendances   Key = "reports.attendances"
	RepActivities    Key = "reports.activities"
	RepNamed         Key = "reports.named"
	RepOthers        Key = "reports.others"
	RepHoursTitle    Key = "reports.hours_title"
	RepVolServices   Key = "reports.vol_services"
	RepVolunteers    Key = "reports.volunteers"
	RepVolHours      Key = "reports.vol_hours"
	RepSupSessions   Key = "reports.sup_sessions"
	RepSupMinutes    Key = "reports.sup_minutes"
	RepSupHours      Key = "reports.sup_hours"
	RepTrainings     Key = "reports.trainings"
	RepTrainHours    Key = "reports.train_hours"
	RepTrainPerson   Key = "reports.train_person"
	RepOverdueTitle  Key = "reports.overdue_title"
	RepOverdue       Key = "reports.overdue"
	RepOutputs       Key = "reports.outputs"
	RepServed        Key = "reports.served"
	RepOpened        Key = "reports.opened"
	RepClosed        Key = "reports.closed"
	RepServices      Key = "reports.services"
	RepOutcomes      Key = "reports.outcomes"
	RepGoals         Key = "reports.goals"
	RepUnrated       Key = "reports.unrated"
	RepAchievedPct   Key = "reports.achieved_pct"
	RepReasons       Key = "reports.reasons"
	RepClosings      Key = "reports.closings"
	RepSatisfaction  Key = "reports.satisfaction"
	RepScore         Key = "reports.score"
	RepEvaluations   Key = "reports.evaluations"
	RepRated         Key = "reports.rated"
	RepAverage       Key = "reports.average"
	RepGroupEvals    Key = "reports.group_evaluations"
	RepGroupRated    Key = "reports.group_rated"
	RepGroupAverage  Key = "reports.group_average"
	RepServerHeading Key = "reports.server_heading"
)

func init() {
	add(map[Key]entry{
		RepPeriod:        {"统计期间", "Period"},
		RepMonth:         {"本月", "This month"},
		RepYear:          {"本年", "This year"},
		RepCustom:        {"自定义", "Custom"},
		RepAll:           {"全部", "All time"},
		RepFrom:          {"开始日期", "From"},
		RepTo:            {"结束日期", "To"},
		RepApply:         {"生成报表", "Make the report"},
		RepRange:         {"统计期间：%s 至 %s", "Period: %s to %s"},
		RepFirst:         {"最早的记录", "the first record"},
		RepLast:          {"最近的记录", "the latest record"},
		RepAsOf:          {"制表日期：%s", "Made on %s"},
		RepSource:        {"数据来源", "Records"},
		RepDevice:        {"本机数据", "This tablet"},
		RepServer:        {"服务器汇总", "Server (org unit)"},
		RepDeviceNote:    {"根据本机保存的记录统计（含尚未同步的修改），离线也可使用。", "Computed from the records on this tablet (unsent edits included); works offline."},
		RepServerNote:    {"统计服务器上您有权查看的全部记录，可按区划筛选；需要联网。", "Computed on the server from every record you may see, narrowed to an org unit if you choose; needs the network."},
		RepOrg:           {"区划", "Org unit"},
		RepOrgAll:        {"全部（您有权查看的范围）", "All that you may see"},
		RepFetch:         {"查询服务器", "Ask the server"},
		RepOffline:       {"服务器汇总报表需要联网，请稍后再试；本机数据的报表离线可用。", "The server report needs the network; try again later. The report of this tablet works offline."},
		RepBadPeriod:     {"日期不正确：请选择开始和结束日期，结束日期不能早于开始日期。", "The dates are not right: pick a start and an end date, the end not before the start."},
		RepPrint:         {"打印报表", "Print the report"},
		RepDashboard:     {"工作概况", "Dashboard"},
		RepPerformance:   {"项目绩效评估（MZ/T 059）", "Project performance (MZ/T 059)"},
		RepItem:          {"项目", "Item"},
		RepNumber:        {"数量", "Number"},
		RepTotal:         {"合计", "Total"},
		RepMonthCol:      {"月份", "Month"},
		RepNoDate:        {"未填日期", "No date"},
		RepChartOf:       {"柱状图：%s", "Bar chart: %s"},
		RepCases:         {"服务个案数", "Cases served"},
		RepTarget:        {"服务对象类别（按个案计，一个个案可属多个类别）", "Target categories (counted in cases; a case may be in several)"},
		RepNoTarget:      {"未填写类别", "No category given"},
		RepStage:         {"个案所处阶段（当前）", "Cases by stage (today)"},
		RepSvcCategory:   {"服务记录：按服务类别（一条记录可属多个类别）", "Service records by category (a record may have several)"},
		RepSvcMethod:     {"服务记录：按服务方法", "Service records by method"},
		RepSvcMonth:      {"服务记录：按月", "Service records per month"},
		RepSvcMonthCat:   {"各月服务记录：按服务类别", "Service records per month, by category"},
		RepSvcMonthMeth:  {"各月服务记录：按服务方法", "Service records per month, by method"},
		RepNoServices:    {"本期间没有服务记录。", "No service records in this period."},
		RepGroupsTitle:   {"小组工作与社区活动", "Group work and community activities"},
		RepGroups:        {"开展的小组", "Groups"},
		RepSessions:      {"小组活动节数", "Group sessions"},
		RepAttendances:   {"小组出席人次", "Members present (person-times)"},
		RepActivities:    {"社区活动场次", "Community activities"},
		RepNamed:         {"参与活动的服务对象（人次）", "Named participants (person-times)"},
		RepOthers:        {"其他参与人数", "Other participants"},
		RepHoursTitle:    {"志愿服务、督导与培训", "Volunteers, supervision and training"},
		RepVolServices:   {"志愿服务次数", "Volunteer services"},
		RepVolunteers:    {"参与服务的志愿者（人）", "Volunteers who served"},
		RepVolHours:      {"志愿服务时长（小时）", "Volunteer hours"},
		RepSupSessions:   {"督导次数", "Supervision sessions"},
		RepSupMinutes:    {"督导时长（分钟）", "Supervision (minutes)"},
		RepSupHours:      {"督导时长（小时）", "Supervision hours"},
		RepTrainings:     {"培训次数", "Trainings"},
		RepTrainHours:    {"培训学时", "Training hours"},
		RepTrainPerson:   {"培训人·学时（学时×参训人数）", "Training person-hours (hours × attendees)"},
		RepOverdueTitle:  {"回访", "Follow-ups"},
		RepOverdue:       {"逾期未回访（截至制表日期，不限统计期间）", "Follow-ups overdue (as of the day the report is made, whatever the period)"},
		RepOutputs:       {"产出", "Outputs"},
		RepServed:        {"服务个案数（期间内在案）", "Cases served (open during the period)"},
		RepOpened:        {"新开个案", "Cases opened"},
		RepClosed:        {"结案个案", "Cases closed"},
		RepServices:      {"服务记录", "Service records"},
		RepOutcomes:      {"成效：服务计划目标达成情况（服务个案的计划目标）", "Outcomes: attainment of plan goals (of the cases served)"},
		RepGoals:         {"目标总数", "Goals"},
		RepUnrated:       {"尚未评定", "Not yet rated"},
		RepAchievedPct:   {"达成率（%）", "Achieved (%)"},
		RepReasons:       {"结案原因", "Closing reasons"},
		RepClosings:      {"结案报告份数", "Closing reports"},
		RepSatisfaction:  {"服务对象满意度（评估表，1–5 分）", "Client satisfaction (evaluations, 1–5)"},
		RepScore:         {"%s 分", "Score %s"},
		RepEvaluations:   {"评估表份数", "Evaluations"},
		RepRated:         {"填写满意度的评估表", "Evaluations with a score"},
		RepAverage:       {"满意度平均分", "Average score"},
		RepGroupEvals:    {"小组总结评估份数", "Group evaluations"},
		RepGroupRated:    {"填写满意度的小组评估", "Group evaluations with a score"},
		RepGroupAverage:  {"小组组员满意度平均分", "Group members' average satisfaction"},
		RepServerHeading: {"服务器汇总：%s", "Server report: %s"},
	})
}
