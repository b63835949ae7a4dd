package model

// Code is one entry of a code list: a stable code and its label.
type Code struct {
	Code  string
	Label Label
}

// CodeList is a named list of codes, kept as data so a province can add
// its own codes (Registry.AddCode).
type CodeList struct {
	Name  string
	Label Label
	Codes []Code
}

// Has reports whether the list holds code.
func (l *CodeList) Has(code string) bool {
	for _, c := range l.Codes {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Find returns the entry for code.
func (l *CodeList) Find(code string) (Code, bool) {
	for _, c := range l.Codes {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
}

// Names of the standard code lists.
const (
	ListTarget        = "target_category"  // who is served (§5)
	ListService       = "service_category" // service categories (§6.3.1)
	ListMethod        = "method"           // methods (§6.3.2)
	ListStage         = "case_stage"       // derived case stages
	ListIntakeSource  = "intake_source"
	ListClosingReason = "closing_reason"
	ListGroupType     = "group_type"
	ListGroupStage    = "group_stage"
	ListParticipation = "participation"
	ListQualification = "qualification"
	ListServiceGoal   = "service_goal" // the four goals of §6.1
	ListNeedArea      = "need_area"
	ListRiskLevel     = "risk_level"
	ListPlace         = "service_place"
	ListRelation      = "relation"
	ListGender        = "gender"
	ListIDType        = "id_type"
	ListAssessKind    = "assessment_kind"
	ListEvalMethod    = "evaluation_method"
	ListAttainment    = "goal_attainment"
	ListConsentScope  = "consent_scope"
	ListReferralState = "referral_result"
	ListSupervision   = "supervision_mode"
	ListRole          = "role"
	ListMoneyPeriod   = "money_period"
	ListArea          = "area"
	ListMoneyPer      = "money_per"
	ListConflictKind  = "conflict_kind"
)

func c(code, zh, en string) Code { return Code{Code: code, Label: Label{zh, en}} }

// standardCodes returns the code lists of the standard, fresh each call.
func standardCodes() []CodeList {
	return []CodeList{
		{ListTarget, Label{"服务对象类别", "Target category"}, []Code{
			c("dibao", "最低生活保障人员", "Minimum living guarantee (dibao)"),
			c("tekun", "特困供养对象", "Extreme poverty support (tekun)"),
			c("low_income", "低收入对象", "Low income"),
			c("medical", "医疗救助对象", "Medical assistance"),
			c("temporary", "临时救助人员", "Temporary assistance"),
			c("disaster", "受灾人员", "Disaster victims"),
			c("employment", "就业救助人员", "Employment assistance"),
			c("homeless", "生活无着流浪乞讨人员", "Homeless and begging"),
			c("other", "其他特殊困难人群", "Other special hardship"),
		}},
		{ListService, Label{"服务类别", "Service category"}, []Code{
			c("resource_link", "资源链接服务", "Resource linkage"),
			c("capacity", "能力提升服务", "Capacity building"),
			c("psych", "心理疏导服务", "Psychological support"),
			c("integration", "社会融入服务", "Social integration"),
			c("crisis", "危机干预", "Crisis intervention"),
			c("rights", "权益维护", "Rights protection"),
		}},
		{ListMethod, Label{"服务方法", "Method"}, []Code{
			c("casework", "个案工作", "Casework"),
			c("groupwork", "小组工作", "Group work"),
			c("community", "社区工作", "Community work"),
			c("case_management", "个案管理", "Case management"),
		}},
		{ListStage, Label{"个案阶段", "Case stage"}, []Code{
			c(StageNew, "新建", "New"),
			c(StageIntake, "接案", "Intake"),
			c(StageAssessment, "预估", "Assessment"),
			c(StagePlan, "计划", "Planning"),
			c(StageIntervention, "介入", "Intervention"),
			c(StageEvaluation, "评估", "Evaluation"),
			c(StageClosed, "结案", "Closed"),
			c(StageFollowUp, "回访", "Follow-up"),
			c(StageReopened, "重新开案", "Reopened"),
			c(StageDeclined, "未接案", "Not accepted"),
		}},
		{ListIntakeSource, Label{"个案来源", "Intake source"}, []Code{
			c("self", "主动求助", "Self-referred"),
			c("referral", "机构转介", "Referred by an agency"),
			c("outreach", "主动发现", "Outreach"),
		}},
		{ListClosingReason, Label{"结案原因", "Closing reason"}, []Code{
			c("goals_met", "服务目标达成", "Goals met"),
			c("can_cope", "服务对象能够自行应对", "Client can now cope"),
			c("withdrew", "服务关系终止或服务对象退出", "Relationship ended or client withdrew"),
			c("referred", "出现新需求需转介", "New need requiring referral"),
			c("other", "其他", "Other"),
		}},
		{ListGroupType, Label{"小组类型", "Group type"}, []Code{
			c("education", "教育小组", "Education"),
			c("growth", "成长小组", "Growth"),
			c("support", "支持小组", "Support"),
			c("therapy", "治疗小组", "Therapy"),
		}},
		{ListGroupStage, Label{"小组阶段", "Group stage"}, []Code{
			c("preparation", "筹备期", "Preparation"),
			c("forming", "形成期", "Forming"),
			c("transition", "转折期", "Transition"),
			c("maturity", "成熟期", "Maturity"),
			c("ending", "结束期", "Ending"),
		}},
		{ListParticipation, Label{"参与情况", "Participation"}, []Code{
			c("active", "积极参与", "Active"),
			c("normal", "一般", "Ordinary"),
			c("passive", "被动", "Passive"),
		}},
		{ListQualification, Label{"职业资格", "Qualification"}, []Code{
			c("assistant", "助理社会工作师", "Assistant social worker"),
			c("social_worker", "社会工作师", "Social worker"),
			c("senior", "高级社会工作师", "Senior social worker"),
			c("none", "无", "None"),
		}},
		{ListServiceGoal, Label{"服务目标", "Service goal"}, []Code{
			c("apply_assistance", "协助申请适合的救助项目", "Apply for suitable assistance"),
			c("independent_living", "提升独立生活能力", "Independent living"),
			c("social_support", "促进社会融入与社会支持", "Social integration and support"),
			c("psych_relief", "疏导心理困扰", "Relieve psychological distress"),
		}},
		{ListNeedArea, Label{"需求领域", "Need area"}, []Code{
			c("living", "生活", "Living"), c("housing", "住房", "Housing"), c("schooling", "就学", "Schooling"),
			c("employment", "就业", "Employment"), c("health", "健康", "Health"), c("rehabilitation", "康复", "Rehabilitation"),
			c("psych", "心理", "Psychological"), c("relations", "家庭与社会关系", "Family and social relations"),
			c("rights", "权益", "Rights"),
		}},
		{ListRiskLevel, Label{"风险等级", "Risk level"}, []Code{
			c("low", "低", "Low"), c("medium", "中", "Medium"), c("high", "高", "High"),
		}},
		{ListPlace, Label{"服务地点", "Place"}, []Code{
			c("home_visit", "入户", "Home visit"), c("office", "机构办公室", "Office"),
			c("phone", "电话", "Phone"), c("community", "社区", "Community"), c("other", "其他", "Other"),
		}},
		{ListRelation, Label{"与户主关系", "Relation"}, []Code{
			c("self", "本人", "Self"), c("spouse", "配偶", "Spouse"), c("child", "子女", "Child"),
			c("parent", "父母", "Parent"), c("grandparent", "祖父母", "Grandparent"),
			c("grandchild", "孙子女", "Grandchild"), c("sibling", "兄弟姐妹", "Sibling"), c("other", "其他", "Other"),
		}},
		{ListGender, Label{"性别", "Gender"}, []Code{c("female", "女", "Female"), c("male", "男", "Male")}},
		{ListIDType, Label{"证件类型", "ID type"}, []Code{
			c("resident_id", "居民身份证", "Resident ID card"), c("passport", "护照", "Passport"),
			c("hk_mo_tw", "港澳台居民居住证", "HK/Macao/Taiwan residence permit"), c("none", "无证件", "None"),
		}},
		{ListAssessKind, Label{"评估类型", "Assessment kind"}, []Code{
			c("initial", "初步预估", "Initial"), c("comprehensive", "综合预估", "Comprehensive"),
		}},
		{ListEvalMethod, Label{"评估方法", "Evaluation method"}, []Code{
			c("interview", "访谈", "Interview"), c("scale", "量表", "Scale"), c("observation", "观察", "Observation"),
			c("questionnaire", "问卷", "Questionnaire"),
		}},
		{ListAttainment, Label{"目标达成", "Goal attainment"}, []Code{
			c("achieved", "已达成", "Achieved"), c("partly", "部分达成", "Partly achieved"), c("not", "未达成", "Not achieved"),
		}},
		{ListConsentScope, Label{"同意范围", "Consent scope"}, []Code{
			c("record", "记录个人信息", "Record personal information"),
			c("sensitive", "处理敏感个人信息", "Process sensitive information"),
			c("share_referral", "转介时提供信息", "Share for referral"),
			c("photo", "拍摄照片", "Photos"),
		}},
		{ListReferralState, Label{"转介结果", "Referral result"}, []Code{
			c("pending", "待回复", "Pending"), c("accepted", "已接收", "Accepted"),
			c("declined", "未接收", "Declined"), c("done", "已完成", "Completed"),
		}},
		{ListSupervision, Label{"督导形式", "Supervision mode"}, []Code{
			c("individual", "个别督导", "Individual"), c("group", "团体督导", "Group"),
		}},
		{ListRole, Label{"角色", "Role"}, []Code{
			c("worker", "社工", "Social worker"), c("supervisor", "督导", "Supervisor"), c("admin", "管理员", "Administrator"),
		}},
		{ListMoneyPeriod, Label{"周期", "Period"}, []Code{c("month", "每月", "per month"), c("year", "每年", "per year")}},
		{ListArea, Label{"城乡", "Urban/rural"}, []Code{c("urban", "城市", "Urban"), c("rural", "农村", "Rural")}},
		{ListMoneyPer, Label{"计算单位", "Per"}, []Code{c("person", "人均", "per person"), c("household", "户均", "per household")}},
		{ListConflictKind, Label{"冲突类型", "Conflict kind"}, []Code{
			c("edit", "同时修改", "Concurrent edits"), c("delete", "修改与删除冲突", "Edit and delete"),
		}},
	}
}
