package main

// A deterministic generator of realistic casework data for the benchmarks:
// Chinese names, addresses and service notes built from small word lists,
// valid ID numbers and phone numbers, codes from the model's code lists. The
// same seed gives the same caseload.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
		"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"}
	givenChars = []string{"伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
		"娟", "涛", "明", "超", "霞", "平", "刚", "桂", "兰", "红", "玉", "华", "建", "国", "文", "梅", "琴", "永",
		"福", "春", "海", "志", "德", "秀", "凤"}
	districts = []struct{ name, code string }{
		{"城关区", "620102"}, {"七里河区", "620103"}, {"西固区", "620104"}, {"安宁区", "620105"}, {"红古区", "620111"},
	}
	streets = []string{"张掖路街道", "酒泉路街道", "东岗西路街道", "皋兰路街道", "白银路街道", "临夏路街道", "雁南街道",
		"拱星墩街道", "西园街道", "敦煌路街道", "培黎街道", "刘家堡街道"}
	roads = []string{"庆阳路", "白银路", "武都路", "金昌路", "天水路", "定西路", "平凉路", "民勤街", "秦安路", "静宁路",
		"甘南路", "西津西路", "火星街", "南滨河路"}
	estates = []string{"幸福家园", "铁路新村", "康乐小区", "兰石社区", "阳光花园", "东方红小区", "建兰小区", "团结新村"}

	visitKinds = []string{"入户走访", "电话回访", "在社区服务站约谈", "陪同前往医院", "联合社区网格员走访", "在街道办事处面谈"}
	situations = []string{
		"家中收入主要依靠低保金，生活较为拮据", "老人患有高血压和糖尿病，需要长期服药",
		"孩子正在读初中，学习用品开支较大", "服务对象近期情绪低落，睡眠不好",
		"房屋年久失修，冬季取暖存在困难", "配偶去年因病去世，家庭失去主要劳动力",
		"服务对象有劳动意愿，但缺乏职业技能", "邻里关系较好，社区志愿者时常探望",
		"残疾证尚未办理，影响相关补贴申领", "医疗费用自付部分较高，已申请医疗救助",
	}
	actions = []string{
		"协助填写临时救助申请表", "链接慈善资源送去米面油", "介绍参加社区技能培训班", "进行情绪疏导并约定下次面谈",
		"联系社区医生上门测量血压", "协助办理残疾证评定预约", "向街道反映住房维修需求", "为孩子申请助学金",
	}
	responses = []string{
		"服务对象表示感谢，愿意配合后续服务", "服务对象情绪较上次稳定，主动谈及未来打算",
		"家属对服务表示认可，希望增加探访次数", "服务对象对申请进度有些担心，已做解释",
		"服务对象积极参与，表示会按时参加培训", "服务对象身体状况一般，需继续关注",
	}
	healths = []string{"身体健康", "患有高血压，需长期服药", "患有慢性胃病", "行动不便，需要拐杖", "患有糖尿病，定期复查",
		"听力下降，交流需大声", "术后恢复期，需定期复诊"}
	disabilities = []string{"无", "肢体残疾三级", "视力残疾二级", "听力残疾四级", "智力残疾三级", "精神残疾二级"}
	titleKinds   = []string{"低保救助个案", "特困供养个案", "临时救助个案", "医疗救助跟进个案", "就业帮扶个案", "困境儿童个案"}
)

// textGen makes deterministic casework text from a seed.
type textGen struct {
	r   *rand.Rand
	reg *model.Registry
}

func newTextGen(seed, stream uint64) *textGen {
	return &textGen{r: rand.New(rand.NewPCG(seed, stream)), reg: model.NewRegistry()}
}

func pick[T any](g *textGen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// name returns a person's name: a surname and one or two given characters.
func (g *textGen) name() string {
	n := pick(g, surnames) + pick(g, givenChars)
	if g.r.IntN(3) > 0 {
		n += pick(g, givenChars)
	}
	return n
}

// address returns an address in one of Lanzhou's districts, and its code.
func (g *textGen) address() (addr, division string) {
	d := pick(g, districts)
	return fmt.Sprintf("甘肃省兰州市%s%s%s%d号%s%d号楼%d单元%d室", d.name, pick(g, streets), pick(g, roads),
		1+g.r.IntN(300), pick(g, estates), 1+g.r.IntN(30), 1+g.r.IntN(6), 101+g.r.IntN(20)+100*g.r.IntN(18)), d.code
}

// note returns a service note of a few sentences.
func (g *textGen) note(who string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s，了解到%s%s。", pick(g, visitKinds), who, pick(g, situations))
	for range 1 + g.r.IntN(3) {
		fmt.Fprintf(&b, "社工%s。", pick(g, actions))
	}
	fmt.Fprintf(&b, "下一步将继续跟进%s的情况，必要时转介相关部门。", who)
	return b.String()
}

// date returns a random date between from and from+days.
func (g *textGen) date(from time.Time, days int) time.Time {
	return from.AddDate(0, 0, g.r.IntN(days))
}

// codes returns one to n codes of a code list, as a canonical JSON list.
func (g *textGen) codes(list string, n int) string {
	l, ok := g.reg.Codes(list)
	if !ok {
		panic("no code list " + list)
	}
	k := 1 + g.r.IntN(n)
	var out []string
	for range k {
		out = append(out, pick(g, l.Codes).Code)
	}
	return model.List(out...)
}

// code returns one code of a code list, as JSON.
func (g *textGen) code(list string) string {
	l, ok := g.reg.Codes(list)
	if !ok {
		panic("no code list " + list)
	}
	return model.Str(pick(g, l.Codes).Code)
}

// idNumber returns a valid resident ID number for a birth date in a division.
func (g *textGen) idNumber(division string, birth time.Time) string {
	first := fmt.Sprintf("%s%s%03d", division, birth.Format("20060102"), g.r.IntN(1000))
	return first + string(model.IDChecksum(first))
}

// phone returns a mobile number.
func (g *textGen) phone() string {
	return fmt.Sprintf("1%d%09d", 3+g.r.IntN(7), g.r.IntN(1_000_000_000))
}

// recID returns a record id of typ whose time part is ms.
func (g *textGen) recID(typ string, ms int64) sync.RecID {
	var ent [10]byte
	for i := range ent {
		ent[i] = byte(g.r.Uint32())
	}
	return sync.MakeRecID(typ, ms, ent)
}

// Per case, caseEdits writes 70 field values on 7 records: the case (8
// fields: root, title, client, categories, methods, worker, opened,
// division) and its client, a person record under the case (12: root,
// parent, name, gender, birth_date, id_type, id_number, phone, address,
// categories, health, disability) — the case's 20 — and 5 service records
// of 10 fields each (root, parent, date, start, end, place, categories,
// method, content, response).
const (
	fieldsPerCase   = 20
	servicesPerCase = 5
	fieldsPerSvc    = 10
	changesPerCase  = fieldsPerCase + servicesPerCase*fieldsPerSvc
)

// caseEdits returns the edits that create one case of worker, with its
// client and service records.
func (g *textGen) caseEdits(worker string, ms int64) []sync.Edit {
	return g.caseEditsWith(worker, ms, servicesPerCase, pick(g, titleKinds))
}

// busyTitle ends the title of the case `jiuzhu demo --busy` adds, so that
// a search finds it.
const busyTitle = "多次服务个案"

// caseEditsWith is caseEdits with a number of service records and a title
// (after the client's name) of the caller's choosing.
func (g *textGen) caseEditsWith(worker string, ms int64, services int, titleKind string) []sync.Edit {
	c := g.recID(model.TypeCase, ms)
	p := g.recID(model.TypePerson, ms)
	name := g.name()
	addr, division := g.address()
	opened := g.date(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), 3*365)
	birth := g.date(time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC), 75*365)
	targets := g.codes(model.ListTarget, 2)
	root := model.Str(string(c))
	out := make([]sync.Edit, 0, changesPerCase)
	add := func(rec sync.RecID, field, value string) {
		out = append(out, sync.Edit{Rec: rec, Field: field, Value: value})
	}
	add(c, sync.FieldRoot, root)
	add(c, "title", model.Str(name+titleKind))
	add(c, "client", model.Str(string(p)))
	add(c, "categories", targets)
	add(c, "methods", g.codes(model.ListMethod, 2))
	add(c, "worker", model.Str(worker))
	add(c, "opened", model.Date(opened))
	add(c, "division", model.Str(division))

	add(p, sync.FieldRoot, root)
	add(p, model.FieldParent, root)
	add(p, "name", model.Str(name))
	add(p, "gender", g.code(model.ListGender))
	add(p, "birth_date", model.Date(birth))
	add(p, "id_type", model.Str("resident_id"))
	add(p, "id_number", model.Str(g.idNumber(division, birth)))
	add(p, "phone", model.Str(g.phone()))
	add(p, "address", model.Str(addr))
	add(p, "categories", targets)
	add(p, "health", model.Str(pick(g, healths)))
	add(p, "disability", model.Str(pick(g, disabilities)))

	for range services {
		s := g.recID(model.TypeServiceRecord, ms)
		day := g.date(opened, 300)
		hour := 8 + g.r.IntN(9)
		add(s, sync.FieldRoot, root)
		add(s, model.FieldParent, root)
		add(s, "date", model.Date(day))
		add(s, "start", model.Str(fmt.Sprintf("%02d:%02d", hour, 10*g.r.IntN(6))))
		add(s, "end", model.Str(fmt.Sprintf("%02d:%02d", hour+1, 10*g.r.IntN(6))))
		add(s, "place", g.code(model.ListPlace))
		add(s, "categories", g.codes(model.ListService, 2))
		add(s, "method", g.code(model.ListMethod))
		add(s, "content", model.Str(g.note(name)))
		add(s, "response", model.Str(pick(g, responses)))
	}
	return out
}
