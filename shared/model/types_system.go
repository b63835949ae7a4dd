package model

// systemTypes declares the records the system keeps about itself: sync
// conflicts (written by the server, resolved by workers) and audit entries.
// Field names of conflict records match jiuzhu/shared/sync.
func systemTypes() []*Type {
	anyRec := []string(nil)
	return []*Type{
		childType(TypeConflict, "同步冲突", "Sync conflict", anyRec,
			fld("rec", KindRef, "冲突记录", "Record", required()),
			fld("field", KindText, "字段", "Field", required()),
			fld("kind", KindCode, "冲突类型", "Kind", required(), codes(ListConflictKind)),
			fld("op_a", KindText, "修改A", "Change A", required()),
			fld("by_a", KindUser, "修改A作者", "Change A by", required()),
			fld("value_a", KindJSON, "修改A的值", "Change A value", required()),
			fld("op_b", KindText, "修改B", "Change B", required()),
			fld("by_b", KindUser, "修改B作者", "Change B by", required()),
			fld("value_b", KindJSON, "修改B的值", "Change B value", required()),
			fld("winner", KindText, "当前生效", "Currently applied", required()),
			fld("resolved", KindBool, "已处理", "Resolved"),
			fld("choice", KindJSON, "选定的值", "Chosen value"),
		),
		appendOnly(childType(TypeAudit, "审计记录", "Audit entry", anyRec,
			fld("at", KindDateTime, "时间", "At", required()),
			fld("actor", KindUser, "操作人", "Actor", required()),
			fld("action", KindText, "操作", "Action", required(), maxLen(50)),
			fld("target", KindRef, "对象", "Target"),
			fld("detail", KindText, "详情", "Detail"),
		)),
	}
}
