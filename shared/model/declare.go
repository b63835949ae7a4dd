package model

// Record type names.
const (
	TypeCase            = "case"
	TypePerson          = "person"
	TypeHousehold       = "household"
	TypeHouseholdMember = "household_member"
	TypeConsent         = "consent"
	TypeIntake          = "intake"
	TypeAssessment      = "assessment"
	TypePlan            = "plan"
	TypePlanGoal        = "plan_goal"
	TypeServiceRecord   = "service_record"
	TypeServiceNote     = "service_note"
	TypeReferral        = "referral"
	TypeEvaluation      = "evaluation"
	TypeClosing         = "closing"
	TypeFollowUp        = "follow_up"
	TypeReopen          = "reopen"
	TypeTeamNote        = "team_note"
	TypeTeamMember      = "team_member"
	TypeGroup           = "group"
	TypeGroupSession    = "group_session"
	TypeGroupMember     = "group_member"
	TypeGroupEvaluation = "group_evaluation"
	TypeAttendance      = "attendance"
	TypeActivity        = "community_activity"
	TypeVolunteer       = "volunteer"
	TypeVolunteerHours  = "volunteer_hours"
	TypeSupervision     = "supervision"
	TypeTraining        = "training"
	TypeStaff           = "staff"
	TypeAttachment      = "attachment"
	TypeConflict        = "conflict"
	TypeAudit           = "audit"
)

// The helpers below keep the declarations in types_*.go short.

type opt func(*Field)

func req(r Requirement) opt    { return func(f *Field) { f.Required = r } }
func sensitive() opt           { return func(f *Field) { f.Sensitive = true } }
func codes(list string) opt    { return func(f *Field) { f.Codes = list } }
func refs(types ...string) opt { return func(f *Field) { f.Refs = types } }
func maxLen(n int) opt         { return func(f *Field) { f.Max = n } }
func between(lo, hi int) opt   { return func(f *Field) { f.Min, f.Max = lo, hi } }
func required() opt            { return req(Always) }
func past() opt                { return func(f *Field) { f.Past = true } }
func division() opt            { return func(f *Field) { f.Division = true } }
func signature() opt           { return func(f *Field) { f.Signature, f.Max = true, MaxSignature } }
func atStage(stage string) opt { return req(Requirement(stage)) }

func fld(name string, k Kind, zh, en string, opts ...opt) Field {
	f := Field{Name: name, Kind: k, Label: Label{zh, en}}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// rootTypes are the types access is decided on.
var rootTypes = []string{TypeCase, TypeGroup, TypeActivity, TypeVolunteer, TypeSupervision, TypeTraining, TypeStaff}

// rootType declares a root record type; its root field names itself.
func rootType(name, zh, en string, fields ...Field) *Type {
	all := append([]Field{fld(FieldRoot, KindRef, "所属", "Belongs to", required(), refs(name))}, fields...)
	return &Type{Name: name, Label: Label{zh, en}, Root: true, Fields: all}
}

// childType declares a child record type: root and parent come first.
func childType(name, zh, en string, parents []string, fields ...Field) *Type {
	all := append([]Field{
		fld(FieldRoot, KindRef, "所属", "Belongs to", required(), refs(rootTypes...)),
		fld(FieldParent, KindRef, "上级记录", "Parent", required(), refs(parents...)),
	}, fields...)
	return &Type{Name: name, Label: Label{zh, en}, Parents: parents, Fields: all}
}

func appendOnly(t *Type) *Type { t.AppendOnly = true; return t }

// ownedBy names the field that assigns a root to a user.
func ownedBy(field string, t *Type) *Type { t.Owner = field; return t }
func sensitiveType(t *Type) *Type         { t.Sensitive = true; return t }

// standardTypes returns every record type, fresh each call.
func standardTypes() []*Type {
	var out []*Type
	out = append(out, caseTypes()...)
	out = append(out, personTypes()...)
	out = append(out, groupTypes()...)
	out = append(out, assuranceTypes()...)
	out = append(out, systemTypes()...)
	return out
}
