package i18n

// Service files (§7.4): retention classes, archiving a closed case
// (read-only), and the administrator's purge of expired files.
const (
	RetentionClassPermanent Key = "retention.class.permanent"
	RetentionClassLong      Key = "retention.class.long"
	RetentionClassShort     Key = "retention.class.short"
	RetentionClassWithFile  Key = "retention.class.with_file"

	RetentionArchivedOn     Key = "retention.archived_on"
	RetentionReadOnly       Key = "retention.read_only"
	RetentionRecordReadOnly Key = "retention.record_read_only"
	RetentionKept           Key = "retention.kept"
	RetentionPurgeFrom      Key = "retention.purge_from"
	RetentionArchive        Key = "retention.archive"
	RetentionArchiveNote    Key = "retention.archive_note"
	RetentionArchiveDone    Key = "retention.archive_done"
	RetentionUnarchive      Key = "retention.unarchive"
	RetentionUnarchiveNote  Key = "retention.unarchive_note"
	RetentionUnarchiveDone  Key = "retention.unarchive_done"
	RetentionNotClosed      Key = "retention.not_closed"
	RetentionFollowUpDue    Key = "retention.follow_up_due"
	RetentionBeforeClosing  Key = "retention.before_closing"

	RetentionTab        Key = "retention.tab"
	RetentionTabNote    Key = "retention.tab_note"
	RetentionNone       Key = "retention.none"
	RetentionWorker     Key = "retention.worker"
	RetentionEnd        Key = "retention.end"
	RetentionArchived   Key = "retention.archived"
	RetentionClass      Key = "retention.class"
	RetentionExpires    Key = "retention.expires"
	RetentionRecords    Key = "retention.records"
	RetentionConfirm    Key = "retention.confirm"
	RetentionPurge      Key = "retention.purge"
	RetentionPurgeEmpty Key = "retention.purge_empty"
	RetentionPurged     Key = "retention.purged"
)

func init() {
	add(map[Key]entry{
		RetentionClassPermanent: {"永久", "Permanent"},
		RetentionClassLong:      {"定期30年", "30 years"},
		RetentionClassShort:     {"定期10年", "10 years"},
		RetentionClassWithFile:  {"随所属档案", "With its file"},

		RetentionArchivedOn: {"本个案已于 %s 归档，只读。", "This case was archived on %s and is read-only."},
		RetentionReadOnly: {"归档的服务档案不能修改，也不能新增或删除记录；如需修改，请督导或管理员撤销归档。",
			"An archived service file cannot be edited, and no record can be added or deleted; a supervisor or an administrator can un-archive it."},
		RetentionRecordReadOnly: {"所属个案已于 %s 归档，本记录只读。", "Its case was archived on %s: this record is read-only."},
		RetentionKept:           {"保管期限：", "Retention: "},
		RetentionPurgeFrom:      {"（自结案起计，%s 起可由管理员销毁）", " (from the closing; an administrator may purge it from %s)"},
		RetentionArchive:        {"归档", "Archive"},
		RetentionArchiveNote: {"已结案、没有待完成回访的个案可以归档。归档后个案只读，按保管期限保存。",
			"A closed case with no follow-up pending can be archived. It is then read-only, and kept for its retention period."},
		RetentionArchiveDone:   {"已归档，保存在本机。", "Archived, saved on this tablet."},
		RetentionUnarchive:     {"撤销归档", "Un-archive"},
		RetentionUnarchiveNote: {"督导或管理员可以撤销归档（需联网确认身份）。", "A supervisor or an administrator can un-archive it (online, to confirm their role)."},
		RetentionUnarchiveDone: {"已撤销归档，个案可以修改。", "Un-archived: the case can be edited."},
		RetentionNotClosed:     {"只有已结案的个案才能归档。", "Only a closed case can be archived."},
		RetentionFollowUpDue:   {"还有计划中未完成的回访，回访完成后才能归档。", "A follow-up visit is planned and not done: archive the case once it is."},
		RetentionBeforeClosing: {"归档日期不能早于结案日期。", "The archive date cannot be before the closing date."},

		RetentionTab: {"到期档案", "Expired files"},
		RetentionTabNote: {"以下已归档档案的保管期限已届满。销毁会清空档案中每条记录的内容，从所有设备上移除，并记入审计，不能恢复。",
			"These archived files have passed their retention period. Purging blanks every record of the file, removes it from every device and is audited; it cannot be undone."},
		RetentionNone:       {"没有到期的档案。", "No file has passed its retention period."},
		RetentionWorker:     {"负责社工", "Social worker"},
		RetentionEnd:        {"结案日期", "Closed"},
		RetentionArchived:   {"归档日期", "Archived"},
		RetentionClass:      {"保管期限", "Retention"},
		RetentionExpires:    {"届满日期", "Expired on"},
		RetentionRecords:    {"记录数", "Records"},
		RetentionConfirm:    {"请输入档案名称「%s」以确认销毁", "Type the file's title, “%s”, to confirm the purge"},
		RetentionPurge:      {"销毁", "Purge"},
		RetentionPurgeEmpty: {"请先输入档案名称以确认。", "Type the file's title first, to confirm."},
		RetentionPurged:     {"已销毁「%s」（%d 条记录）。", "Purged “%s” (%d records)."},
	})
}
