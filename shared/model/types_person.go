package model

// personTypes declares the people served and their households, consent and
// attachments.
func personTypes() []*Type {
	anyRoot := rootTypes
	return []*Type{
		childType(TypePerson, "人员", "Person", anyRoot,
			fld("name", KindText, "姓名", "Name", required(), maxLen(50), sensitive()),
			fld("gender", KindCode, "性别", "Gender", codes(ListGender)),
			fld("birth_date", KindDate, "出生日期", "Birth date", sensitive(), past()),
			fld("id_type", KindCode, "证件类型", "ID type", codes(ListIDType)),
			fld("id_number", KindIDNumber, "身份证号码", "ID number", sensitive()),
			fld("phone", KindPhone, "联系电话", "Phone", sensitive()),
			fld("address", KindText, "住址", "Address", sensitive()),
			fld("categories", KindCodes, "救助类别", "Assistance categories", codes(ListTarget), sensitive()),
			fld("health", KindLongText, "健康状况", "Health", sensitive()),
			fld("disability", KindText, "残疾情况", "Disability", sensitive()),
			fld("work_ability", KindBool, "有劳动能力", "Able to work", sensitive()),
			fld("guardian", KindRef, "监护人", "Guardian", refs(TypePerson), sensitive()),
			// Written by the server: other people with the same ID number,
			// perhaps in other workers' cases (see server/duplicates.go).
			fld("duplicates", KindRefs, "可能重复的人员", "Possible duplicates", refs(TypePerson)),
			// Those a worker confirmed are someone else.
			fld("not_duplicates", KindRefs, "已确认不是同一人", "Confirmed not the same person", refs(TypePerson)),
			// Those a worker confirmed are this person (merged: the values
			// the worker chose were written to both records).
			fld("same_person", KindRefs, "已确认为同一人", "Confirmed the same person", refs(TypePerson)),
		),
		childType(TypeHousehold, "家庭", "Household", []string{TypeCase},
			fld("address", KindText, "家庭住址", "Address", required(), sensitive()),
			fld("area", KindCode, "城乡", "Urban/rural", required(), codes(ListArea)),
			fld("size", KindInt, "家庭人口", "Household size", between(1, 30)),
			fld("income_per_head", KindMoney, "家庭人均收入", "Income per head", atStage(StageAssessment), sensitive()),
			fld("dibao_standard", KindMoney, "当地低保标准", "Local dibao standard"),
			fld("programmes", KindCodes, "已享受救助", "Assistance received", codes(ListTarget), sensitive()),
			fld("rigid_expenses", KindLongText, "刚性支出", "Rigid expenses", sensitive()),
		),
		childType(TypeHouseholdMember, "家庭成员", "Household member", []string{TypeHousehold},
			fld("person", KindRef, "成员", "Member", required(), refs(TypePerson)),
			fld("relation", KindCode, "与户主关系", "Relation", required(), codes(ListRelation)),
			fld("income", KindMoney, "个人收入", "Income", sensitive()),
		),
		sensitiveType(childType(TypeConsent, "知情同意", "Consent", []string{TypeCase, TypeGroup, TypeActivity, TypeVolunteer},
			fld("person", KindRef, "同意人", "Person", required(), refs(TypePerson)),
			fld("date", KindDate, "同意日期", "Date", required(), past()),
			fld("scope", KindCodes, "同意范围", "Scope", required(), codes(ListConsentScope)),
			fld("separate", KindBool, "单独同意", "Separate consent", required()),
			fld("guardian", KindRef, "监护人（未满14周岁）", "Guardian (under 14)", refs(TypePerson)),
			fld("withdrawn", KindDate, "撤回日期", "Withdrawn"),
			fld("signature", KindText, "签名", "Signature", signature()),
		)),
		childType(TypeAttachment, "附件", "Attachment", nil,
			fld("name", KindText, "文件名", "File name", required()),
			fld("mime", KindText, "类型", "Media type", required(), maxLen(100)),
			fld("size", KindInt, "大小（字节）", "Size (bytes)", required(), between(0, 1<<30)),
			fld("sha256", KindText, "校验值", "SHA-256", required(), maxLen(64)),
			fld("taken", KindDate, "拍摄/形成日期", "Date taken"),
			fld("sensitive", KindBool, "含敏感信息", "Holds sensitive information"),
		),
	}
}
