package sqlite

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A row's numbers (ziping.SchoolRecord.Values, FactRecord.Values) are stored as a
// JSON object of element id → number, so that a new element needs no migration and
// SQL can still reach one (json_extract) to sort by it.

// encodeVals is the JSON object stored for a row's numbers, keys sorted. JSON has no
// NaN or infinity: a missing number is left out of the map, not stored as NaN.
// Written by hand because encoding/json's reflection and key sorting took a quarter
// of a 20,000-row import.
func encodeVals(vals map[string]float64, what string) (string, error) {
	keys := make([]string, 0, len(vals))
	for id, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", invalid("%s的「%s」不是有效数值", what, id)
		}
		keys = append(keys, id)
	}
	slices.Sort(keys)
	buf := make([]byte, 0, 2+len(keys)*32)
	buf = append(buf, '{')
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendKey(buf, k)
		buf = append(buf, ':')
		buf = strconv.AppendFloat(buf, vals[k], 'g', -1, 64)
	}
	return string(append(buf, '}')), nil
}

// appendKey appends k as a JSON string. Element ids are plain ASCII; anything else
// goes through encoding/json for its escaping.
func appendKey(buf []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			quoted, _ := json.Marshal(k) // a string always encodes
			return append(buf, quoted...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, k...)
	return append(buf, '"')
}

// decodeVals reads a stored JSON object back; never nil. What encodeVals writes is
// parsed by hand (encoding/json was half the time of reading a province's rows);
// anything else goes through encoding/json.
func decodeVals(text string) (map[string]float64, error) {
	if vals, ok := parseVals(text); ok {
		return vals, nil
	}
	vals := map[string]float64{}
	if err := json.Unmarshal([]byte(text), &vals); err != nil {
		return nil, internal("decode values", err)
	}
	return vals, nil
}

// parseVals parses {"id":number,...} with ids in UTF-8 free of escapes; ok is false
// for anything else.
func parseVals(text string) (vals map[string]float64, ok bool) {
	if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
		return nil, false
	}
	body := text[1 : len(text)-1]
	vals = make(map[string]float64, strings.Count(body, ",")+1)
	for body != "" {
		key, rest, found := strings.Cut(body, `":`)
		if !found || len(key) < 2 || key[0] != '"' || strings.ContainsAny(key[1:], `"\`) || !utf8.ValidString(key) {
			return nil, false
		}
		num, tail, _ := strings.Cut(rest, ",")
		if num == "" || (num[0] != '-' && (num[0] < '0' || num[0] > '9')) {
			return nil, false // ParseFloat would take NaN, Inf, hex, which JSON has not
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return nil, false
		}
		vals[key[1:]] = v
		body = tail
	}
	return vals, true
}
