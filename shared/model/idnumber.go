package model

import (
	"strings"
	"time"
)

// Province-level division codes (GB/T 2260), the first two digits of a
// resident ID number.
var provinces = map[string]Label{
	"11": {"北京", "Beijing"}, "12": {"天津", "Tianjin"}, "13": {"河北", "Hebei"}, "14": {"山西", "Shanxi"},
	"15": {"内蒙古", "Inner Mongolia"}, "21": {"辽宁", "Liaoning"}, "22": {"吉林", "Jilin"},
	"23": {"黑龙江", "Heilongjiang"}, "31": {"上海", "Shanghai"}, "32": {"江苏", "Jiangsu"},
	"33": {"浙江", "Zhejiang"}, "34": {"安徽", "Anhui"}, "35": {"福建", "Fujian"}, "36": {"江西", "Jiangxi"},
	"37": {"山东", "Shandong"}, "41": {"河南", "Henan"}, "42": {"湖北", "Hubei"}, "43": {"湖南", "Hunan"},
	"44": {"广东", "Guangdong"}, "45": {"广西", "Guangxi"}, "46": {"海南", "Hainan"}, "50": {"重庆", "Chongqing"},
	"51": {"四川", "Sichuan"}, "52": {"贵州", "Guizhou"}, "53": {"云南", "Yunnan"}, "54": {"西藏", "Tibet"},
	"61": {"陕西", "Shaanxi"}, "62": {"甘肃", "Gansu"}, "63": {"青海", "Qinghai"}, "64": {"宁夏", "Ningxia"},
	"65": {"新疆", "Xinjiang"}, "71": {"台湾", "Taiwan"}, "81": {"香港", "Hong Kong"}, "82": {"澳门", "Macao"},
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// IDChecksum returns the GB 11643 check character for the first 17 digits.
func IDChecksum(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}

// ValidateIDNumber checks an 18-character resident ID number (GB 11643):
// length, characters, a plausible division code (a real province, not a
// province- or city-level placeholder), a valid birth date not after today
// (pass the zero time to skip that check) and the check character (X
// upper or lower case). It returns nil if the number is valid.
func ValidateIDNumber(s string, today time.Time) *Msg {
	if len(s) != 18 {
		return &Msg{Key: MsgIDLength}
	}
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return &Msg{Key: MsgIDChars}
		}
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if !(last >= '0' && last <= '9' || last == 'X') {
		return &Msg{Key: MsgIDChars}
	}
	if _, ok := provinces[s[:2]]; !ok || s[2:6] == "0000" {
		return &Msg{Key: MsgIDDivision}
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 {
		return &Msg{Key: MsgIDBirth}
	}
	if !today.IsZero() && birth.After(today) {
		return &Msg{Key: MsgIDFuture}
	}
	if IDChecksum(s) != last {
		return &Msg{Key: MsgIDChecksum}
	}
	return nil
}

// IDBirthDate returns the birth date held in a valid ID number.
func IDBirthDate(s string) (time.Time, bool) {
	if len(s) != 18 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", s[6:14])
	return t, err == nil
}

// IDProvince returns the province of an ID number's division code.
func IDProvince(s string) (Label, bool) {
	if len(s) < 2 {
		return Label{}, false
	}
	l, ok := provinces[s[:2]]
	return l, ok
}

// MaskID masks an ID number for lists: the first 4 and last 4 characters
// stay, the rest become stars (6201**********123X).
func MaskID(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}
