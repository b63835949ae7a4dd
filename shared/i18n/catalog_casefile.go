package i18n

// The complete case file (服务档案, DB62/T 4987 §7.4): the page that
// prints a case on A4 (app/casefile.go).
const (
	CaseFileTitle      Key = "casefile.title"
	CaseFileLink       Key = "casefile.link"
	CaseFilePrint      Key = "casefile.print"
	CaseFileConfidence Key = "casefile.confidence"
	CaseFileNumber     Key = "casefile.number"
	CaseFileStage      Key = "casefile.stage"
	CaseFilePrinted    Key = "casefile.printed"
	CaseFilePrintedBy  Key = "casefile.printed_by"
	CaseFileNone       Key = "casefile.none"
	CaseFileNotHere    Key = "casefile.not_here"
	CaseFileClient     Key = "casefile.client"

	CaseFilePersons     Key = "casefile.section.persons"
	CaseFileConsents    Key = "casefile.section.consents"
	CaseFileIntake      Key = "casefile.section.intake"
	CaseFileAssessments Key = "casefile.section.assessments"
	CaseFilePlans       Key = "casefile.section.plans"
	CaseFileServices    Key = "casefile.section.services"
	CaseFileReferrals   Key = "casefile.section.referrals"
	CaseFileEvaluations Key = "casefile.section.evaluations"
	CaseFileClosing     Key = "casefile.section.closing"
	CaseFileFollowUps   Key = "casefile.section.follow_ups"
	CaseFileReopenings  Key = "casefile.section.reopenings"
	CaseFileTeam        Key = "casefile.section.team"
	CaseFileOther       Key = "casefile.section.other"
	CaseFileSignatures  Key = "casefile.section.signatures"

	CaseFileSignWorker     Key = "casefile.sign.worker"
	CaseFileSignSupervisor Key = "casefile.sign.supervisor"
	CaseFileSignClient     Key = "casefile.sign.client"
	CaseFileSignDate       Key = "casefile.sign.date"
	CaseFileSignConsent    Key = "casefile.sign.consent"
	CaseFileSignNone       Key = "casefile.sign.none"
)

func init() {
	add(map[Key]entry{
		CaseFileTitle:      {"服务档案", "Case file"},
		CaseFileLink:       {"服务档案（打印）", "Case file (print)"},
		CaseFilePrint:      {"打印", "Print"},
		CaseFileConfidence: {"本档案含敏感个人信息，仅供为服务对象提供服务的人员使用，请妥善保管；身份证号码已遮盖。", "This file holds sensitive personal information, for the people who serve the client only: keep it safe. ID numbers are masked."},
		CaseFileNumber:     {"个案编号", "Case number"},
		CaseFileStage:      {"当前阶段", "Stage"},
		CaseFilePrinted:    {"打印日期", "Date printed"},
		CaseFilePrintedBy:  {"打印人", "Printed by"},
		CaseFileNone:       {"无", "None"},
		CaseFileNotHere:    {"（不在本机）", "(not on this tablet)"},
		CaseFileClient:     {"服务对象", "Client"},

		CaseFilePersons:     {"服务对象与家庭", "Client and household"},
		CaseFileConsents:    {"知情同意", "Consent"},
		CaseFileIntake:      {"接案", "Intake"},
		CaseFileAssessments: {"需求评估（预估）", "Needs assessment"},
		CaseFilePlans:       {"服务计划与目标", "Service plan and goals"},
		CaseFileServices:    {"服务记录", "Service records"},
		CaseFileReferrals:   {"转介", "Referrals"},
		CaseFileEvaluations: {"评估", "Evaluation"},
		CaseFileClosing:     {"结案", "Closing"},
		CaseFileFollowUps:   {"回访", "Follow-up"},
		CaseFileReopenings:  {"重新开案", "Reopening"},
		CaseFileTeam:        {"个案管理团队与记录", "Case management team and notes"},
		CaseFileOther:       {"其他记录", "Other records"},
		CaseFileSignatures:  {"签名", "Signatures"},

		CaseFileSignWorker:     {"负责社工签名", "Social worker's signature"},
		CaseFileSignSupervisor: {"督导签名", "Supervisor's signature"},
		CaseFileSignClient:     {"服务对象（或监护人）签名", "Client's (or guardian's) signature"},
		CaseFileSignDate:       {"日期", "Date"},
		CaseFileSignConsent:    {"知情同意书上的签名", "Signature on the consent"},
		CaseFileSignNone:       {"知情同意书上没有手写签名。", "No consent carries a drawn signature."},
	})
}
