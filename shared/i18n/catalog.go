package i18n

// Key names one label of the catalog.
type Key string

// The catalog's keys, grouped by where the label appears.
const (
	AppName        Key = "app.name"
	AppTagline     Key = "app.tagline"
	AppLoading     Key = "app.loading"
	NavHome        Key = "nav.home"
	NavCases       Key = "nav.cases"
	NavGroups      Key = "nav.groups"
	NavCommunity   Key = "nav.community"
	NavVolunteers  Key = "nav.volunteers"
	NavSupervision Key = "nav.supervision"
	NavReports     Key = "nav.reports"
	NavMain        Key = "nav.main"

	DescCases       Key = "desc.cases"
	DescGroups      Key = "desc.groups"
	DescCommunity   Key = "desc.community"
	DescVolunteers  Key = "desc.volunteers"
	DescSupervision Key = "desc.supervision"
	DescReports     Key = "desc.reports"

	SectionEmpty Key = "section.empty"

	StatusOffline Key = "status.offline"

	LangSwitch Key = "lang.switch"

	InstallButton     Key = "install.button"
	InstallAppleTitle Key = "install.apple_title"
	InstallAppleSteps Key = "install.apple_steps"
	InstallClose      Key = "install.close"

	UpdateAvailable Key = "update.available"
	UpdateReload    Key = "update.reload"

	NotFoundTitle Key = "notfound.title"
	NotFoundText  Key = "notfound.text"
	NotFoundHome  Key = "notfound.home"

	HomeWelcome Key = "home.welcome"
	HomeIntro   Key = "home.intro"

	LoginTitle        Key = "login.title"
	LoginIntro        Key = "login.intro"
	LoginName         Key = "login.name"
	LoginPassword     Key = "login.password"
	LoginDeviceName   Key = "login.device_name"
	LoginSubmit       Key = "login.submit"
	LoginBusy         Key = "login.busy"
	LoginNeedsNetwork Key = "login.needs_network"
	LoginMissing      Key = "login.missing"
	LoginOnTablet     Key = "login.on_tablet"
	LoginOther        Key = "login.other"
	UnlockTitle       Key = "unlock.title"
	UnlockSubmit      Key = "unlock.submit"
	UnlockWrong       Key = "unlock.wrong"
	UnlockFailed      Key = "unlock.failed"
	LockNow           Key = "lock.now"

	SyncUpToDate     Key = "sync.up_to_date"
	SyncSyncing      Key = "sync.syncing"
	SyncPending      Key = "sync.pending"
	SyncReceived     Key = "sync.received"
	SyncLast         Key = "sync.last"
	SyncRejected     Key = "sync.rejected"
	SyncUnauthorized Key = "sync.unauthorized"
	SyncUpdate       Key = "sync.update"
	SyncRevoked      Key = "sync.revoked"

	ReviewTitle      Key = "review.title"
	ReviewIntro      Key = "review.intro"
	ReviewConflicts  Key = "review.conflicts"
	ReviewNoConflict Key = "review.no_conflict"
	ReviewRejected   Key = "review.rejected"
	ReviewNoRejected Key = "review.no_rejected"
	ReviewField      Key = "review.field"
	ReviewWinner     Key = "review.winner"
	ReviewKeep       Key = "review.keep"
	ReviewEdit       Key = "review.edit"
	ReviewSave       Key = "review.save"
	ReviewRestore    Key = "review.restore"
	ReviewKeepDelete Key = "review.keep_delete"
	ReviewDeleted    Key = "review.deleted"
	ReviewMe         Key = "review.me"
	ReviewDismiss    Key = "review.dismiss"
	ReviewReason     Key = "review.reason"
	ReviewSaved      Key = "review.saved"
	ReviewLocked     Key = "review.locked"

	CasesNew             Key = "cases.new"
	CasesTitle           Key = "cases.title"
	CasesCreate          Key = "cases.create"
	CasesSaved           Key = "cases.saved"
	CasesNotSaved        Key = "cases.not_saved"
	CasesPending         Key = "cases.pending"
	CasesOpened          Key = "cases.opened"
	CasesMore            Key = "cases.more"
	CasesSearch          Key = "cases.search"
	CasesSearchHint      Key = "cases.search_hint"
	CasesStage           Key = "cases.stage"
	CasesCategory        Key = "cases.category"
	CasesAny             Key = "cases.any"
	CasesCount           Key = "cases.count"
	CasesLastContact     Key = "cases.last_contact"
	CasesDue             Key = "cases.due"
	CasesRisk            Key = "cases.risk"
	CasesSort            Key = "cases.sort"
	CasesSortContact     Key = "cases.sort_contact"
	CasesSortDue         Key = "cases.sort_due"
	CasesSortOpened      Key = "cases.sort_opened"
	CasesSortName        Key = "cases.sort_name"
	CasesDueWeek         Key = "cases.due_week"
	CaseMissing          Key = "case.missing"
	CaseHasConflict      Key = "case.has_conflict"
	FormSave             Key = "form.save"
	FormYuan             Key = "form.yuan"
	RecordDupServer      Key = "record.dup_server"
	RecordNotDuplicate   Key = "record.not_duplicate"
	RecordAge            Key = "record.age"
	DivPrefecture        Key = "div.prefecture"
	DivCounty            Key = "div.county"
	DivTownship          Key = "div.township"
	DivVillage           Key = "div.village"
	DivUnavailable       Key = "div.unavailable"
	Colon                Key = "colon"
	RecordStageBlocked   Key = "record.stage_blocked"
	RecordBack           Key = "record.back"
	RecordMissing        Key = "record.missing"
	RecordNew            Key = "record.new"
	RecordConsentFirst   Key = "record.consent_first"
	RecordGuardianNeeded Key = "record.guardian_needed"
	RecordLate           Key = "record.late"
	RecordDuplicate      Key = "record.duplicate"
	RecordChildren       Key = "record.children"
	CaseRecords          Key = "case.records"
	CaseAdd              Key = "case.add"
	CaseHomeVisit        Key = "case.home_visit"
	CaseNoRecords        Key = "case.no_records"
	FormFix              Key = "form.fix"
	FormNoChange         Key = "form.no_change"
	FormUnset            Key = "form.unset"
	FormYes              Key = "form.yes"
	FormNo               Key = "form.no"
	AdoptTitle           Key = "adopt.title"
	AdoptIntro           Key = "adopt.intro"
	AdoptPrevious        Key = "adopt.previous"
	NavAdmin             Key = "nav.admin"
	DescAdmin            Key = "desc.admin"
	AdminUsers           Key = "admin.users"
	AdminDevices         Key = "admin.devices"
	AdminAssign          Key = "admin.assign"
	AdminAudit           Key = "admin.audit"
	AdminDone            Key = "admin.done"
	AdminNewUser         Key = "admin.new_user"
	AdminRole            Key = "admin.role"
	AdminTeam            Key = "admin.team"
	AdminOrg             Key = "admin.org"
	AdminDisabled        Key = "admin.disabled"
	AdminLocked          Key = "admin.locked"
	AdminLastSeen        Key = "admin.last_seen"
	AdminRoots           Key = "admin.roots"
	AdminNewPassword     Key = "admin.new_password"
	AdminResetPassword   Key = "admin.reset_password"
	AdminDisable         Key = "admin.disable"
	AdminEnable          Key = "admin.enable"
	AdminUnlock          Key = "admin.unlock"
	AdminLogoutAll       Key = "admin.logout_all"
	AdminUser            Key = "admin.user"
	AdminDeviceName      Key = "admin.device_name"
	AdminAppVersion      Key = "admin.app_version"
	AdminRevoked         Key = "admin.revoked"
	AdminRevoke          Key = "admin.revoke"
	AdminRevokeNote      Key = "admin.revoke_note"
	AdminAssignNote      Key = "admin.assign_note"
	AdminFrom            Key = "admin.from"
	AdminTo              Key = "admin.to"
	AdminReassign        Key = "admin.reassign"
	AdminAction          Key = "admin.action"
	AdminTarget          Key = "admin.target"
	AdminDetail          Key = "admin.detail"
	AdminFromDate        Key = "admin.from_date"
	AdminToDate          Key = "admin.to_date"
	AdminFilter          Key = "admin.filter"
	AdminAuditNote       Key = "admin.audit_note"
	PersonRevealID       Key = "person.reveal_id"
	PersonRevealNote     Key = "person.reveal_note"
	PersonData           Key = "person.data"
	PersonDataIntro      Key = "person.data_intro"
	PersonDownload       Key = "person.download"
	HistoryTitle         Key = "history.title"
	HistoryField         Key = "history.field"
	HistoryValue         Key = "history.value"
	HistoryBy            Key = "history.by"
	HistoryAt            Key = "history.at"
	HistoryOffline       Key = "history.offline"
	PhotoTitle           Key = "photo.title"
	PhotoTake            Key = "photo.take"
	PhotoTooLarge        Key = "photo.too_large"
	PhotoNotImage        Key = "photo.not_image"
	PhotoWorking         Key = "photo.working"
	PhotoSaved           Key = "photo.saved"
	PhotoWaiting         Key = "photo.waiting"
	PhotoUploading       Key = "photo.uploading"
	PhotoUploaded        Key = "photo.uploaded"
	PhotoNotHere         Key = "photo.not_here"
	AttTitle             Key = "att.title"
	AttPresent           Key = "att.present"
	AttAbsent            Key = "att.absent"
	AttUnmarked          Key = "att.unmarked"
	AttCount             Key = "att.count"
	AttNoMembers         Key = "att.no_members"
	AttParticipation     Key = "att.participation"
	RecordBeforeGroup    Key = "record.before_group"
	RecordDayOver        Key = "record.day_over"
	VolTotal             Key = "vol.total"
	VolCertificate       Key = "vol.certificate"
	CertIntro            Key = "cert.intro"
	CertHours            Key = "cert.hours"
	CertHoursValue       Key = "cert.hours_value"
	CertRecords          Key = "cert.records"
	CertDate             Key = "cert.date"
	CertActivity         Key = "cert.activity"
	CertContent          Key = "cert.content"
	CertIssuer           Key = "cert.issuer"
	CertIssued           Key = "cert.issued"
	CertPrint            Key = "cert.print"
	HoursTitle           Key = "hours.title"
	HoursStaff           Key = "hours.staff"
	HoursYear            Key = "hours.year"
	HoursTraining        Key = "hours.training"
	HoursSupervision     Key = "hours.supervision"
	HoursNone            Key = "hours.none"
	MyProfile            Key = "my.profile"
	FormNoChoices        Key = "form.no_choices"
	FormSignHint         Key = "form.sign_hint"
	FormSignClear        Key = "form.sign_clear"
	FormSignAgain        Key = "form.sign_again"
	FormSigned           Key = "form.signed"
	MergeTitle           Key = "merge.title"
	MergeIntro           Key = "merge.intro"
	MergeThis            Key = "merge.this"
	MergeOther           Key = "merge.other"
	MergeSave            Key = "merge.save"
	MergeDone            Key = "merge.done"
	MergeSame            Key = "merge.same"
	MergeMissing         Key = "merge.missing"
	MergeLink            Key = "merge.link"
	HouseholdBelow       Key = "household.below"
	HouseholdNotBelow    Key = "household.not_below"
	HouseholdFromMembers Key = "household.from_members"
	HouseholdAreaDiffers Key = "household.area_differs"
	StorageFull          Key = "storage.full"
)

type entry struct{ zh, en string }

var catalog = map[Key]entry{
	AppName:    {"救助社工", "Jiuzhu"},
	AppTagline: {"社会救助社会工作服务记录", "Social-assistance social work records"},
	AppLoading: {"正在加载", "Loading"},

	NavHome:        {"首页", "Home"},
	NavCases:       {"个案", "Cases"},
	NavGroups:      {"小组工作", "Group work"},
	NavCommunity:   {"社区活动", "Community work"},
	NavVolunteers:  {"志愿者", "Volunteers"},
	NavSupervision: {"督导与培训", "Supervision & training"},
	NavReports:     {"统计报表", "Reports"},
	NavMain:        {"主导航", "Main navigation"},

	DescCases:       {"人员与家庭、接案、预估、计划、介入、评估、结案与回访", "People and households, intake, assessment, plan, intervention, evaluation, closing and follow-up"},
	DescGroups:      {"小组计划、节次、签到与评估", "Group plans, sessions, attendance and evaluation"},
	DescCommunity:   {"社区活动、参与者与成效", "Community activities, participants and outcomes"},
	DescVolunteers:  {"志愿者登记、服务时长与证明", "Volunteer registration, service hours and certificates"},
	DescSupervision: {"督导记录、培训与社工资料", "Supervision sessions, training and staff profiles"},
	DescReports:     {"统计、绩效评估与服务档案", "Statistics, performance evaluation and service files"},

	SectionEmpty: {"这台设备上还没有记录。", "There are no records on this device yet."},

	StatusOffline: {"离线", "Offline"},

	LangSwitch: {"切换语言", "Change language"},

	InstallButton:     {"安装到主屏幕", "Install app"},
	InstallAppleTitle: {"添加到主屏幕", "Add to Home Screen"},
	InstallAppleSteps: {"在 Safari 中点按“分享”按钮，然后选择“添加到主屏幕”。", "In Safari, tap the Share button, then choose “Add to Home Screen”."},
	InstallClose:      {"关闭", "Close"},

	UpdateAvailable: {"新版本可用", "A new version is available"},
	UpdateReload:    {"重新加载", "Reload"},

	NotFoundTitle: {"页面不存在", "Page not found"},
	NotFoundText:  {"找不到这个地址对应的页面。", "There is no page at this address."},
	NotFoundHome:  {"返回首页", "Back to home"},

	LoginTitle:        {"登录", "Log in"},
	LoginIntro:        {"第一次在这台平板上使用时需要联网登录；之后没有网络也能用密码解锁。", "The first time on this tablet you log in online; after that your password unlocks it without a network."},
	LoginName:         {"用户名", "User name"},
	LoginPassword:     {"密码", "Password"},
	LoginDeviceName:   {"这台平板的名称（可选）", "Name for this tablet (optional)"},
	LoginSubmit:       {"登录", "Log in"},
	LoginBusy:         {"正在登录…", "Logging in…"},
	LoginNeedsNetwork: {"无法连接服务器。第一次登录需要联网，请连上网络后再试。", "Cannot reach the server. The first login needs the network; connect and try again."},
	LoginMissing:      {"请填写用户名和密码。", "Enter your user name and password."},
	LoginOnTablet:     {"这台平板上的用户", "Users on this tablet"},
	LoginOther:        {"其他用户登录", "Log in as someone else"},
	UnlockTitle:       {"解锁", "Unlock"},
	UnlockSubmit:      {"解锁", "Unlock"},
	UnlockWrong:       {"密码错误，请重试。数据没有任何改动。", "Wrong password; try again. Nothing was changed."},
	UnlockFailed:      {"无法打开本机数据：", "Cannot open the data on this tablet: "},
	LockNow:           {"锁定", "Lock"},

	SyncUpToDate:     {"已同步", "Synced"},
	SyncSyncing:      {"正在同步…", "Syncing…"},
	SyncPending:      {"%d 条修改待发送", "%d changes waiting to send"},
	SyncReceived:     {"已收到 %d 项", "%d received"},
	SyncLast:         {"上次同步 %s", "Last synced %s"},
	SyncRejected:     {"%d 条修改被服务器拒绝", "%d changes refused by the server"},
	SyncUnauthorized: {"登录已过期，请重新登录", "Session expired: log in again"},
	SyncUpdate:       {"请更新应用后再同步，未同步的修改会保留", "Update the app to sync; unsynced changes are kept"},
	SyncRevoked:      {"此设备已注销，本机数据已清除", "This device was revoked; its data has been removed"},

	ReviewTitle:      {"同步与冲突", "Sync and conflicts"},
	ReviewIntro:      {"两台设备同时修改了同一项内容时，两个版本都保留在这里，由您决定保留哪一个。", "When two devices changed the same thing at the same time, both versions are kept here for you to choose."},
	ReviewConflicts:  {"待处理的冲突", "Conflicts to resolve"},
	ReviewNoConflict: {"没有待处理的冲突。", "No conflicts to resolve."},
	ReviewRejected:   {"被服务器拒绝的修改", "Changes the server refused"},
	ReviewNoRejected: {"没有被拒绝的修改。", "No refused changes."},
	ReviewField:      {"字段", "Field"},
	ReviewWinner:     {"当前采用", "In use now"},
	ReviewKeep:       {"保留这个", "Keep this"},
	ReviewEdit:       {"改为其他内容", "Write another value"},
	ReviewSave:       {"保存", "Save"},
	ReviewRestore:    {"恢复记录", "Restore the record"},
	ReviewKeepDelete: {"保持删除", "Keep it deleted"},
	ReviewDeleted:    {"（已删除）", "(deleted)"},
	ReviewMe:         {"我", "me"},
	ReviewDismiss:    {"知道了", "Dismiss"},
	ReviewReason:     {"原因", "Reason"},
	ReviewSaved:      {"已保存，联网后同步。", "Saved; it syncs when online."},
	ReviewLocked:     {"请先解锁。", "Unlock first."},

	CasesNew:             {"新建个案", "New case"},
	CasesTitle:           {"个案名称", "Case title"},
	CasesCreate:          {"保存", "Save"},
	CasesSaved:           {"已保存在本机。", "Saved on this tablet."},
	CasesNotSaved:        {"没有保存：", "Not saved: "},
	CasesPending:         {"待同步", "not yet synced"},
	CasesOpened:          {"开案日期", "Opened"},
	CasesMore:            {"显示更多（已显示 %d / 共 %d）", "Show more (%d of %d shown)"},
	CasesSearch:          {"查找个案", "Find a case"},
	CasesSearchHint:      {"姓名、拼音或首字母、身份证后几位、电话", "Name, pinyin or initials, last digits of ID, phone"},
	CasesStage:           {"阶段", "Stage"},
	CasesCategory:        {"服务对象类别", "Target category"},
	CasesAny:             {"全部", "All"},
	CasesCount:           {"共 %d 个个案", "%d cases"},
	CasesLastContact:     {"最近服务", "Last contact"},
	CasesDue:             {"待办到期", "Due"},
	CasesRisk:            {"风险等级", "Risk level"},
	CasesSort:            {"排序", "Order"},
	CasesSortContact:     {"最近服务在前", "Last contact first"},
	CasesSortDue:         {"到期最早在前", "Earliest due first"},
	CasesSortOpened:      {"最新开案在前", "Newest opened first"},
	CasesSortName:        {"按姓名拼音", "By name (pinyin)"},
	CasesDueWeek:         {"只看本周到期（含逾期）的回访与计划", "Only follow-ups and plan goals due this week (or overdue)"},
	CaseMissing:          {"本机没有这个个案（可能尚未同步，或已不在你的负责范围内）", "This case is not on this tablet (not synced yet, or no longer yours)"},
	CaseHasConflict:      {"此个案有修改冲突，需要你决定保留哪一个：", "Edits to this case conflict; choose which to keep:"},
	FormSave:             {"保存", "Save"},
	FormYuan:             {"元", "yuan"},
	RecordDupServer:      {"可能重复：服务器发现另有 %d 条人员记录的身份证号与此相同（可能在其他社工的个案中）。请与督导核实后合并，或确认不是同一人。", "Possible duplicate: the server found %d other person record(s) with this ID number (perhaps in another worker's cases). Check with your supervisor, then merge, or confirm they are someone else."},
	RecordNotDuplicate:   {"不是同一人", "Not the same person"},
	RecordAge:            {"%d 岁", "aged %d"},
	DivPrefecture:        {"市（州）", "Prefecture"},
	DivCounty:            {"县（市、区）", "County"},
	DivTownship:          {"乡镇（街道）", "Township / street"},
	DivVillage:           {"村（社区）", "Village / community"},
	DivUnavailable:       {"行政区划表暂时无法读取（首次联网后可离线使用）。当前代码：", "The division list cannot be read yet (it works offline after the first connection). Current code:"},
	Colon:                {"：", ": "},
	RecordStageBlocked:   {"没有保存：进入「%s」阶段前，还须填写：", "Not saved: before the case moves to %s, fill in: "},
	RecordBack:           {"返回", "Back"},
	RecordMissing:        {"本机没有这条记录（可能尚未同步）", "This record is not on this tablet (not synced yet?)"},
	RecordNew:            {"新增", "New "},
	RecordConsentFirst:   {"登记敏感个人信息前，须先取得本人（未满14周岁的由监护人）的单独同意。", "Before sensitive personal information is recorded, the person (a guardian for children under 14) must give separate consent."},
	RecordGuardianNeeded: {"未满14周岁，须由监护人同意：请选择监护人（可先登记监护人）", "Under 14: a guardian must consent. Choose the guardian (register them first if needed)"},
	RecordLate:           {"提醒：本服务记录在服务结束超过24小时后才填写，请在内容中说明原因。", "Reminder: this service record was written more than 24 hours after the service; say why in the content."},
	RecordDuplicate:      {"可能重复：本机已有同一身份证号的服务对象，见个案 ", "Possible duplicate: a client with the same ID number is in the case "},
	RecordChildren:       {"下属记录", "Records under this one"},
	CaseRecords:          {"个案记录", "Case records"},
	CaseAdd:              {"新增记录", "Add a record"},
	CaseHomeVisit:        {"入户走访（快速记录）", "Home visit (quick entry)"},
	CaseNoRecords:        {"还没有记录。从接案登记开始。", "No records yet. Start with the intake."},
	FormFix:              {"没有保存：请先改正标出的内容。", "Not saved: correct the marked fields first."},
	FormNoChange:         {"没有修改。", "Nothing changed."},
	FormUnset:            {"未填", "Not set"},
	FormYes:              {"是", "Yes"},
	FormNo:               {"否", "No"},
	AdoptTitle:           {"密码已被重设", "Your password was reset"},
	AdoptIntro:           {"服务器已接受新密码，但本机的数据仍用原来的密码加密。请输入原来的密码一次：本机数据将改用新密码，不会丢失任何内容。", "The server took the new password, but the data on this tablet is still locked with the previous one. Enter the previous password once: the data then takes the new password, and nothing is lost."},
	AdoptPrevious:        {"原来的密码", "Previous password"},
	NavAdmin:             {"管理", "Administration"},
	DescAdmin:            {"用户、设备、个案分派与审计（需联网）", "Users, devices, assignment and audit (online)"},
	AdminUsers:           {"用户", "Users"},
	AdminDevices:         {"设备", "Devices"},
	AdminAssign:          {"分派", "Assignment"},
	AdminAudit:           {"审计", "Audit"},
	AdminDone:            {"已完成。", "Done."},
	AdminNewUser:         {"新建用户", "New user"},
	AdminRole:            {"角色", "Role"},
	AdminTeam:            {"团队", "Team"},
	AdminOrg:             {"机构（行政区划代码）", "Org unit (division code)"},
	AdminDisabled:        {"已停用", "Disabled"},
	AdminLocked:          {"已锁定（登录失败次数过多）", "Locked (too many failed logins)"},
	AdminLastSeen:        {"最近同步：", "Last seen: "},
	AdminRoots:           {"负责的个案、小组与活动", "Cases, groups and activities"},
	AdminNewPassword:     {"新密码", "New password"},
	AdminResetPassword:   {"重设密码", "Reset password"},
	AdminDisable:         {"停用", "Disable"},
	AdminEnable:          {"启用", "Enable"},
	AdminUnlock:          {"解除锁定", "Unlock"},
	AdminLogoutAll:       {"在所有设备上退出", "Log out everywhere"},
	AdminUser:            {"用户", "User"},
	AdminDeviceName:      {"设备", "Device"},
	AdminAppVersion:      {"应用版本", "App version"},
	AdminRevoked:         {"已吊销", "Revoked"},
	AdminRevoke:          {"吊销", "Revoke"},
	AdminRevokeNote:      {"吊销后，该平板下次联网时会清除本机的全部数据。", "A revoked tablet wipes all its data at its next contact."},
	AdminAssignNote:      {"改派后，新负责社工的平板在下次同步时收到完整记录，原社工的平板将其移除。", "After reassignment the new worker's tablet receives the whole record at its next sync, and the old worker's removes it."},
	AdminFrom:            {"现负责人", "Now assigned to"},
	AdminTo:              {"改派给", "Reassign to"},
	AdminReassign:        {"改派", "Reassign"},
	AdminAction:          {"操作", "Action"},
	AdminTarget:          {"对象", "Target"},
	AdminDetail:          {"详情", "Detail"},
	AdminFromDate:        {"从", "From"},
	AdminToDate:          {"到", "To"},
	AdminFilter:          {"筛选", "Filter"},
	AdminAuditNote:       {"审计记录只能追加，任何界面都不能修改或删除。", "Audit records are append-only: no interface can change or delete them."},
	PersonRevealID:       {"显示完整号码", "Show the full number"},
	PersonRevealNote:     {"查看完整身份证号码会被记录（个人信息保护法）。", "Viewing the full ID number is recorded (Personal Information Protection Law)."},
	PersonData:           {"本人信息（查阅与导出）", "The person's data (access and export)"},
	PersonDataIntro:      {"本人有权查阅、复制其个人信息。以下是本机保存的与此人有关的全部记录；打印或保存为文件都会被记录。", "A person may see and copy their personal information. These are all the records on this tablet about them; printing or saving them as a file is recorded."},
	PersonDownload:       {"保存为文件", "Save as a file"},
	HistoryTitle:         {"修改历史", "History of changes"},
	HistoryField:         {"项目", "Field"},
	HistoryValue:         {"内容", "Value"},
	HistoryBy:            {"修改人", "By"},
	HistoryAt:            {"时间", "When"},
	HistoryOffline:       {"修改历史保存在服务器上，需要联网才能查看。", "The history of changes is kept on the server: it needs the network."},
	PhotoTitle:           {"照片", "Photos"},
	PhotoTake:            {"拍照或选择照片", "Take or choose a photo"},
	PhotoTooLarge:        {"这张图片有 %d MB，超过 %d MB 的上限，没有保存。请换一张或降低相机分辨率。", "This picture is %d MB, over the %d MB limit: it was not saved. Choose another or lower the camera's resolution."},
	PhotoNotImage:        {"这个文件不是可以读取的图片，没有保存。", "This file is not a picture that can be read: it was not saved."},
	PhotoWorking:         {"正在处理照片…", "Processing the photo…"},
	PhotoSaved:           {"照片已加密保存在本机，联网后自动上传。", "The photo is saved on the tablet, encrypted, and uploads when online."},
	PhotoWaiting:         {"等待上传", "waiting to upload"},
	PhotoUploading:       {"上传中 %d%%", "uploading %d%%"},
	PhotoUploaded:        {"已上传", "uploaded"},
	PhotoNotHere:         {"照片还没有上传到服务器，稍后再看。", "The photo has not reached the server yet; look again later."},
	AttTitle:             {"出勤：点组员的按钮切换出席与缺席，立即保存在本机。", "Attendance: tap a member's button to switch present / absent; it is saved on the tablet at once."},
	AttPresent:           {"出席", "Present"},
	AttAbsent:            {"缺席", "Absent"},
	AttUnmarked:          {"未点名", "Not taken"},
	AttCount:             {"出席 %d 人，缺席 %d 人，未点名 %d 人", "%d present, %d absent, %d not taken"},
	AttNoMembers:         {"小组还没有组员：请先在小组页面添加组员。", "The group has no members yet: add them on the group's page first."},
	AttParticipation:     {"参与情况", "Participation"},
	RecordBeforeGroup:    {"日期不能早于小组开始日期（%s）", "The date cannot be before the group starts (%s)"},
	RecordDayOver:        {"这一天的服务时长合计 %s 小时，超过 24 小时", "The hours on this day add up to %s, more than 24"},
	VolTotal:             {"累计志愿服务时长 %s 小时（%d 次服务）", "%s hours of volunteer service in total (%d services)"},
	VolCertificate:       {"志愿服务记录证明", "Certificate of volunteer service"},
	CertIntro:            {"兹证明以下志愿者的志愿服务记录如下。本证明依据志愿服务记录如实出具，志愿服务为无偿服务。", "This certifies the volunteer service recorded below, issued truthfully from the service records; volunteer service is unpaid."},
	CertHours:            {"服务时长合计", "Total hours"},
	CertHoursValue:       {"%s 小时", "%s hours"},
	CertRecords:          {"服务记录", "Service records"},
	CertDate:             {"日期", "Date"},
	CertActivity:         {"服务活动", "Activity"},
	CertContent:          {"服务内容", "Content"},
	CertIssuer:           {"出具单位", "Issued by"},
	CertIssued:           {"出具日期", "Date of issue"},
	CertPrint:            {"打印", "Print"},
	HoursTitle:           {"每人每年的培训与督导时数", "Training and supervision hours per worker per year"},
	HoursStaff:           {"社工", "Worker"},
	HoursYear:            {"年份", "Year"},
	HoursTraining:        {"培训学时", "Training hours"},
	HoursSupervision:     {"接受督导（小时）", "Supervision received (hours)"},
	HoursNone:            {"还没有培训或督导记录。", "No training or supervision recorded yet."},
	MyProfile:            {"我的社工档案", "My staff profile"},
	FormNoChoices:        {"暂无可选的记录。", "Nothing to choose from yet."},
	FormSignHint:         {"请本人（或监护人）用手指在框内书写签名；可以不签。", "The person (or their guardian) may sign in the box with a finger; a signature is optional."},
	FormSignClear:        {"清除", "Clear"},
	FormSignAgain:        {"重新签名", "Sign again"},
	FormSigned:           {"已签名", "Signed"},
	MergeTitle:           {"合并人员记录", "Merge person records"},
	MergeIntro:           {"这两条人员记录的身份证号相同。请逐项选择要保留的内容：两条记录都会改为所选内容，并标记为同一人（各自的个案不变）。", "These two person records have the same ID number. Choose what to keep, field by field: both records take the chosen values and are marked as the same person (each stays in its own case)."},
	MergeThis:            {"本记录", "This record"},
	MergeOther:           {"另一条记录", "The other record"},
	MergeSave:            {"合并", "Merge"},
	MergeDone:            {"已合并，保存在本机。", "Merged; saved on this tablet."},
	MergeSame:            {"两条记录的内容已经一致。", "The two records already agree."},
	MergeMissing:         {"找不到要合并的两条人员记录（另一条可能不在本机，请与督导核实）。", "The two person records to merge are not both on this tablet (the other may be in another worker's cases: check with your supervisor)."},
	MergeLink:            {"比较并合并", "Compare and merge"},
	HouseholdBelow:       {"人均月收入 %s 元，低于当地低保标准 %s 元（差 %s 元）。", "Income per head %s yuan a month, below the local dibao standard of %s yuan (short by %s)."},
	HouseholdNotBelow:    {"人均月收入 %s 元，不低于当地低保标准 %s 元。", "Income per head %s yuan a month, not below the local dibao standard of %s yuan."},
	HouseholdFromMembers: {"（按家庭成员的收入合计和家庭人口计算）", "(from the members' incomes and the household size)"},
	HouseholdAreaDiffers: {"注意：收入按城市、标准按农村（或相反）填写，请核对。", "Note: the income and the standard are not both urban or both rural; check them."},
	StorageFull:          {"平板的存储空间已满，这次没有保存，之前保存的都还在。请联网同步，或在平板上释放空间后再试。", "The tablet's storage is full: this was not saved; everything saved before is still there. Sync, or free space on the tablet, and try again."},

	HomeWelcome: {"欢迎使用救助社工", "Welcome to Jiuzhu"},
	HomeIntro:   {"按照 DB62/T 4987-2024《社会救助社会工作服务指南》记录服务。没有网络时也能使用。", "Record services under DB62/T 4987-2024, the Gansu guide to social-assistance social work. Works without a network."},
}
