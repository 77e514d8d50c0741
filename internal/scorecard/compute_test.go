package scorecard

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// referenceInput and referenceOutput are the example of
// reference/qd766-scoring.md, verbatim.
const referenceInput = `{
  "progress": {"totalReceived": 326, "totalOnTime": 207},
  "payment": {"totalDossierOnlinePaymentSuccess": 0, "totalDossierFinancialObligation": 0,
              "totalDossierOnlineFormalityPaymentSuccess": 0, "totalFeeDossierFormality": 0, "totalFeeFormality": 0},
  "online": {"authorityCount": 0, "partialCount": 0, "fullCount": 0, "onlineDossierCount": 0,
             "onlineServiceTotal": 0, "channelOnlineSum": 0, "channelTotalSum": 0},
  "metrics": {"DOSSIER_RECEIVING_SATISFACTION": {"numerator": 205, "denominator": 326}}
}`

const referenceOutput = `{
  "groups":  {"progress": {"ratio": 63.5, "score": 12.7, "max": 20},
              "satisfaction": {"ratio": 23.28, "score": 4.19, "max": 18}},
  "metrics": {"DOSSIER_RECEIVING_SATISFACTION": {"ratio": 62.88, "score": 4.19, "max": 6}},
  "total":   {"score": 16.89, "max": 38}
}`

// canonical re-encodes JSON so that two documents compare by value.
func canonical(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestReferenceExample(t *testing.T) {
	in, err := Parse([]byte(referenceInput))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(Compute(Current, in))
	if canonical(t, string(got)) != canonical(t, referenceOutput) {
		t.Fatalf("got  %s\nwant %s", got, canonical(t, referenceOutput))
	}
}

// s builds an expected score; "null" as score means none.
func s(ratio float64, score any, max int) Score {
	out := Score{Ratio: ratio, Max: max}
	if f, ok := score.(float64); ok {
		out.Score = &f
	}
	return out
}

func sameScore(a, b Score) bool {
	return a.Ratio == b.Ratio && a.Max == b.Max && (a.Score == nil) == (b.Score == nil) && (a.Score == nil || *a.Score == *b.Score)
}

func (s Score) String() string {
	if s.Score == nil {
		return fmt.Sprintf("{ratio %v score null max %d}", s.Ratio, s.Max)
	}
	return fmt.Sprintf("{ratio %v score %v max %d}", s.Ratio, *s.Score, s.Max)
}

// TestFormulas checks every formula and every zero-denominator rule
// against values computed by hand (shown in each case's comment).
func TestFormulas(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		groups  map[string]Score
		metrics map[string]Score
		total   Total
	}{
		{"progress nothing received", `{"progress":{"totalReceived":0,"totalOnTime":0}}`, // score 0 by rule
			map[string]Score{Progress: s(0, 0.0, 20)}, nil, Total{0, 20}},
		{"progress all on time", `{"progress":{"totalReceived":10,"totalOnTime":10}}`,
			map[string]Score{Progress: s(100, 20.0, 20)}, nil, Total{20, 20}},
		{"progress thirds", `{"progress":{"totalReceived":3,"totalOnTime":2}}`, // 20×2/3 = 13.333…; 66.666…%
			map[string]Score{Progress: s(66.67, 13.33, 20)}, nil, Total{13.33, 20}},
		{"progress half-up", `{"progress":{"totalReceived":32,"totalOnTime":1}}`, // 20/32 = 0.625 → 0.63; 3.125% → 3.13
			map[string]Score{Progress: s(3.13, 0.63, 20)}, nil, Total{0.63, 20}},
		{"progress half-up again", `{"progress":{"totalReceived":160,"totalOnTime":1}}`, // 0.125 → 0.13; 0.625% → 0.63
			map[string]Score{Progress: s(0.63, 0.13, 20)}, nil, Total{0.13, 20}},
		{"progress none on time", `{"progress":{"totalReceived":5,"totalOnTime":0}}`,
			map[string]Score{Progress: s(0, 0.0, 20)}, nil, Total{0, 20}},

		{"receiving satisfaction zero denominator", `{"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"numerator":0,"denominator":0}}}`, // den 0 → 0
			map[string]Score{Satisfaction: s(0, 0.0, 18)}, map[string]Score{"DOSSIER_RECEIVING_SATISFACTION": s(0, 0.0, 6)}, Total{0, 18}},
		{"receiving satisfaction at 90 %", `{"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"numerator":9,"denominator":10}}}`, // 6×0.9/0.9 = 6
			map[string]Score{Satisfaction: s(33.33, 6.0, 18)}, map[string]Score{"DOSSIER_RECEIVING_SATISFACTION": s(90, 6.0, 6)}, Total{6, 18}},
		{"receiving satisfaction above 90 % is capped", `{"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"numerator":95,"denominator":100}}}`, // min(6, 6.33)
			map[string]Score{Satisfaction: s(33.33, 6.0, 18)}, map[string]Score{"DOSSIER_RECEIVING_SATISFACTION": s(95, 6.0, 6)}, Total{6, 18}},
		{"receiving satisfaction a third", `{"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"numerator":1,"denominator":3}}}`, // 6×(1/3)/0.9 = 2.222…; group 100×2.22/18 = 12.333…
			map[string]Score{Satisfaction: s(12.33, 2.22, 18)}, map[string]Score{"DOSSIER_RECEIVING_SATISFACTION": s(33.33, 2.22, 6)}, Total{2.22, 18}},
		{"petitions with no petitions score full", `{"metrics":{"PETITION_PROCESSING_ON_TIME":{"numerator":0,"denominator":0},"PETITION_HANDLING_SATISFACTION":{"numerator":0,"denominator":0}}}`,
			map[string]Score{Satisfaction: s(66.67, 12.0, 18)}, // 12/18
			map[string]Score{"PETITION_PROCESSING_ON_TIME": s(0, 6.0, 6), "PETITION_HANDLING_SATISFACTION": s(0, 6.0, 6)}, Total{12, 18}},
		{"petitions linear", `{"metrics":{"PETITION_PROCESSING_ON_TIME":{"numerator":1,"denominator":2},"PETITION_HANDLING_SATISFACTION":{"numerator":2,"denominator":3}}}`, // 3 + 4
			map[string]Score{Satisfaction: s(38.89, 7.0, 18)}, // 100×7/18 = 38.888…
			map[string]Score{"PETITION_PROCESSING_ON_TIME": s(50, 3.0, 6), "PETITION_HANDLING_SATISFACTION": s(66.67, 4.0, 6)}, Total{7, 18}},
		{"classification is information only", `{"metrics":{"PETITION_CLASSIFICATION_TTHC":{"numerator":3,"denominator":4},"PETITION_CLASSIFICATION_STAFF":{"numerator":0,"denominator":0}}}`,
			map[string]Score{Satisfaction: s(0, 0.0, 18)},
			map[string]Score{"PETITION_CLASSIFICATION_TTHC": s(75, nil, 0), "PETITION_CLASSIFICATION_STAFF": s(0, nil, 0)}, Total{0, 18}},
		{"full satisfaction", `{"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"numerator":90,"denominator":100},"PETITION_PROCESSING_ON_TIME":{"numerator":0,"denominator":0},"PETITION_HANDLING_SATISFACTION":{"numerator":4,"denominator":4}}}`,
			map[string]Score{Satisfaction: s(100, 18.0, 18)},
			map[string]Score{"DOSSIER_RECEIVING_SATISFACTION": s(90, 6.0, 6), "PETITION_PROCESSING_ON_TIME": s(0, 6.0, 6), "PETITION_HANDLING_SATISFACTION": s(100, 6.0, 6)}, Total{18, 18}},

		{"transparency", `{"metrics":{"PUBLISH_ON_TIME":{"numerator":5,"denominator":6},"PUBLIC_UPDATE_ON_TIME":{"numerator":1,"denominator":3},"PUBLIC_CONTENT_FULL":{"numerator":1,"denominator":1},"DOSSIER_SYNC":{"numerator":0,"denominator":0}}}`,
			// 5 + 1.333… + 2 = 8.333… → 8.33; 100×8.33/18 = 46.277… → 46.28; DOSSIER_SYNC null
			map[string]Score{Transparency: s(46.28, 8.33, 18)},
			map[string]Score{"PUBLISH_ON_TIME": s(83.33, 5.0, 6), "PUBLIC_UPDATE_ON_TIME": s(33.33, 1.33, 4), "PUBLIC_CONTENT_FULL": s(100, 2.0, 2), "DOSSIER_SYNC": s(0, nil, 6)},
			Total{8.33, 18}},
		{"sync alone, no data", `{"metrics":{"DOSSIER_SYNC":{"numerator":0,"denominator":0}}}`,
			map[string]Score{Transparency: s(0, 0.0, 18)}, map[string]Score{"DOSSIER_SYNC": s(0, nil, 6)}, Total{0, 18}},
		{"sync", `{"metrics":{"DOSSIER_SYNC":{"numerator":119,"denominator":326}}}`, // 6×119/326 = 2.190…; 36.503…%; group 100×2.19/18 = 12.166…
			map[string]Score{Transparency: s(12.17, 2.19, 18)}, map[string]Score{"DOSSIER_SYNC": s(36.5, 2.19, 6)}, Total{2.19, 18}},

		{"digitisation", `{"metrics":{"ORIGINAL_RESULT_AVAILABLE":{"numerator":1,"denominator":2},"SO_HOA_GIAY_TO_GIAI_QUYET":{"numerator":2,"denominator":3},"REUSED_DIGITIZED_DATA":{"numerator":4,"denominator":10},"CITIZEN_DATA_CONNECTED_DOSSIER":{"numerator":0,"denominator":0}}}`,
			// 3 + 2.666… + 2×0.4/0.8 = 1 → 6.666… → 6.67; 100×6.67/22 = 30.318… → 30.32
			map[string]Score{Digitisation: s(30.32, 6.67, 22)},
			map[string]Score{"ORIGINAL_RESULT_AVAILABLE": s(50, 3.0, 6), "SO_HOA_GIAY_TO_GIAI_QUYET": s(66.67, 2.67, 4), "REUSED_DIGITIZED_DATA": s(40, 1.0, 2), "CITIZEN_DATA_CONNECTED_DOSSIER": s(0, nil, 2)},
			Total{6.67, 22}},
		{"reused data at 80 % is full", `{"metrics":{"REUSED_DIGITIZED_DATA":{"numerator":9,"denominator":10},"ELECTRONIC_CERTIFIED_COPY":{"numerator":1,"denominator":1},"SYNCED_WITH_DVCQG_PERSONAL_STORAGE":{"numerator":1,"denominator":4},"CITIZEN_DATA_CONNECTED_FORMALITY":{"numerator":3,"denominator":3}}}`,
			// min(2, 2.25) + 2 + 1 + 2 = 7; 100×7/22 = 31.818… → 31.82
			map[string]Score{Digitisation: s(31.82, 7.0, 22)},
			map[string]Score{"REUSED_DIGITIZED_DATA": s(90, 2.0, 2), "ELECTRONIC_CERTIFIED_COPY": s(100, 2.0, 2), "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": s(25, 1.0, 4), "CITIZEN_DATA_CONNECTED_FORMALITY": s(100, 2.0, 2)},
			Total{7, 22}},

		{"payment", `{"payment":{"totalDossierOnlinePaymentSuccess":1,"totalDossierFinancialObligation":2,"totalDossierOnlineFormalityPaymentSuccess":1,"totalFeeDossierFormality":2,"totalFeeFormality":2}}`,
			// 6×0.5 + min(2, 2.5×0.5) + 2.5×1 = 3 + 1.25 + 2.5 = 6.75; 67.5 %
			map[string]Score{Payment: s(67.5, 6.75, 10)}, nil, Total{6.75, 10}},
		{"payment B capped", `{"payment":{"totalDossierOnlinePaymentSuccess":0,"totalDossierFinancialObligation":3,"totalDossierOnlineFormalityPaymentSuccess":4,"totalFeeDossierFormality":1,"totalFeeFormality":5}}`,
			// 0 + min(2, 2.5×0.8) + 2.5×0.2 = 2 + 0.5 = 2.5
			map[string]Score{Payment: s(25, 2.5, 10)}, nil, Total{2.5, 10}},
		{"payment capped at its max", `{"payment":{"totalDossierOnlinePaymentSuccess":2,"totalDossierFinancialObligation":2,"totalDossierOnlineFormalityPaymentSuccess":3,"totalFeeDossierFormality":3,"totalFeeFormality":3}}`,
			// 6 + 2 + 2.5 = 10.5 → 10
			map[string]Score{Payment: s(100, 10.0, 10)}, nil, Total{10, 10}},
		{"payment zero denominators", `{"payment":{"totalDossierOnlinePaymentSuccess":0,"totalDossierFinancialObligation":0,"totalDossierOnlineFormalityPaymentSuccess":0,"totalFeeDossierFormality":0,"totalFeeFormality":7}}`,
			// A: 0/0 → 0; B = C = 0/7
			map[string]Score{Payment: s(0, 0.0, 10)}, nil, Total{0, 10}},
		{"payment thirds", `{"payment":{"totalDossierOnlinePaymentSuccess":1,"totalDossierFinancialObligation":3,"totalDossierOnlineFormalityPaymentSuccess":1,"totalFeeDossierFormality":1,"totalFeeFormality":3}}`,
			// 6/3 + 2.5/3 + 2.5/3 = 2 + 1.666… = 3.666… → 3.67; 100×3.67/10 = 36.7
			map[string]Score{Payment: s(36.7, 3.67, 10)}, nil, Total{3.67, 10}},
		{"payment all zero is no input", `{"payment":{"totalDossierOnlinePaymentSuccess":0,"totalDossierFinancialObligation":0,"totalDossierOnlineFormalityPaymentSuccess":0,"totalFeeDossierFormality":0,"totalFeeFormality":0}}`,
			nil, nil, Total{0, 0}},

		{"online", `{"online":{"authorityCount":4,"partialCount":1,"fullCount":1,"onlineDossierCount":1,"onlineServiceTotal":2,"channelOnlineSum":1,"channelTotalSum":4}}`,
			// min(2, 2×0.5/0.8) = 1.25; 4×0.5 = 2; min(6, 6×0.25/0.5) = 3 → 6.25; 100×6.25/12 = 52.083… → 52.08
			map[string]Score{Online: s(52.08, 6.25, 12)}, nil, Total{6.25, 12}},
		{"online caps", `{"online":{"authorityCount":5,"partialCount":0,"fullCount":4,"onlineDossierCount":3,"onlineServiceTotal":3,"channelOnlineSum":3,"channelTotalSum":5}}`,
			// A = 0.8 → 2; B = 1 → 4; C = 0.6 → min(6, 7.2) = 6 → 12
			map[string]Score{Online: s(100, 12.0, 12)}, nil, Total{12, 12}},
		{"online zero denominators", `{"online":{"authorityCount":3,"partialCount":0,"fullCount":0,"onlineDossierCount":0,"onlineServiceTotal":0,"channelOnlineSum":0,"channelTotalSum":0}}`,
			map[string]Score{Online: s(0, 0.0, 12)}, nil, Total{0, 12}},
		{"online thirds", `{"online":{"authorityCount":3,"partialCount":1,"fullCount":0,"onlineDossierCount":1,"onlineServiceTotal":3,"channelOnlineSum":1,"channelTotalSum":3}}`,
			// 2×(1/3)/0.8 = 0.8333…; 4/3 = 1.333…; 6×(1/3)/0.5 = 4 → 6.1666… → 6.17; 100×6.17/12 = 51.4166… → 51.42
			map[string]Score{Online: s(51.42, 6.17, 12)}, nil, Total{6.17, 12}},

		{"empty object", `{}`, nil, nil, Total{0, 0}},
		{"null members are absent", `{"progress":null,"metrics":{"DOSSIER_SYNC":null}}`, nil, nil, Total{0, 0}},
		{"total from unrounded groups", `{"progress":{"totalReceived":3,"totalOnTime":1},"metrics":{"PUBLIC_UPDATE_ON_TIME":{"numerator":1,"denominator":3}}}`,
			// 6.666… + 1.333… = 8 exactly (the rounded groups would add to 8.00 too, but from 6.67 + 1.33)
			map[string]Score{Progress: s(33.33, 6.67, 20), Transparency: s(7.39, 1.33, 18)}, // 100×1.33/18 = 7.388…
			map[string]Score{"PUBLIC_UPDATE_ON_TIME": s(33.33, 1.33, 4)}, Total{8, 38}},
		{"total rounds once", `{"progress":{"totalReceived":3,"totalOnTime":2},"metrics":{"PUBLIC_UPDATE_ON_TIME":{"numerator":2,"denominator":3}}}`,
			// 13.333… + 2.666… = 16 (rounded groups 13.33 + 2.67 = 16.00)
			map[string]Score{Progress: s(66.67, 13.33, 20), Transparency: s(14.83, 2.67, 18)}, // 100×2.67/18 = 14.833…
			map[string]Score{"PUBLIC_UPDATE_ON_TIME": s(66.67, 2.67, 4)}, Total{16, 38}},
		{"total of unrounded differs from the sum of rounded", `{"progress":{"totalReceived":160,"totalOnTime":1},"metrics":{"PUBLISH_ON_TIME":{"numerator":1,"denominator":240}}}`,
			// 0.125 + 0.025 = 0.15; the rounded groups 0.13 + 0.03 would give 0.16
			map[string]Score{Progress: s(0.63, 0.13, 20), Transparency: s(0.17, 0.03, 18)}, // 100×0.03/18 = 0.1666…
			map[string]Score{"PUBLISH_ON_TIME": s(0.42, 0.03, 6)}, Total{0.15, 38}},        // 100/240 = 0.41666…
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := Parse([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			out := Compute(Current, in)
			if len(out.Groups) != len(c.groups) || len(out.Metrics) != len(c.metrics) {
				t.Fatalf("groups %v metrics %v, want %v %v", out.Groups, out.Metrics, c.groups, c.metrics)
			}
			for k, want := range c.groups {
				if got, ok := out.Groups[k]; !ok || !sameScore(got, want) {
					t.Errorf("group %s = %v, want %v", k, got, want)
				}
			}
			for k, want := range c.metrics {
				if got, ok := out.Metrics[k]; !ok || !sameScore(got, want) {
					t.Errorf("metric %s = %v, want %v", k, got, want)
				}
			}
			if out.Total != c.total {
				t.Errorf("total %+v, want %+v", out.Total, c.total)
			}
		})
	}
}

func TestOnlineSwitch(t *testing.T) {
	set := Current
	set.OnlineEnabled = false
	in, err := Parse([]byte(`{"online":{"authorityCount":4,"partialCount":1,"fullCount":1,"onlineDossierCount":1,"onlineServiceTotal":2,"channelOnlineSum":1,"channelTotalSum":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	if out := Compute(set, in); len(out.Groups) != 0 || out.Total != (Total{}) {
		t.Fatalf("online switched off still scored: %+v", out)
	}
}

func TestLost(t *testing.T) {
	v := 4.19
	if got := (Score{Score: &v, Max: 6}).Lost(); got != 1.81 {
		t.Fatalf("lost %v", got)
	}
	if got := (Score{Max: 6}).Lost(); got != 0 {
		t.Fatalf("lost of null %v", got)
	}
}

// TestBadInput: each bad input is refused with an *InputError naming the field.
func TestBadInput(t *testing.T) {
	cases := []struct {
		in, field, says string
	}{
		{``, "", "Không có dữ liệu"},
		{`   `, "", "Không có dữ liệu"},
		{`not json`, "", "không phải JSON"},
		{`{"progress": {"totalReceived": 3,`, "", "chưa kết thúc"},
		{`{"progress": {"totalReceived": 3, "totalOnTime": 1}} {}`, "", "thừa"},
		{`[1, 2]`, "", "đối tượng JSON"},
		{`"text"`, "", "đối tượng JSON"},
		{`null`, "", "đối tượng JSON"},
		{`{"progres": {}}`, "progres", "không được hỗ trợ"},
		{`{"Progress": {"totalReceived": 3, "totalOnTime": 1}}`, "Progress", "không được hỗ trợ"},
		{`{"progress": {"totalReceived": 3}}`, "progress.totalOnTime", "thiếu trường"},
		{`{"progress": {"totalReceived": 3, "totalOnTime": 1, "extra": 0}}`, "progress.extra", "không được hỗ trợ"},
		{`{"progress": {"totalReceived": -3, "totalOnTime": 1}}`, "progress.totalReceived", "số âm"},
		{`{"progress": {"totalReceived": 3.5, "totalOnTime": 1}}`, "progress.totalReceived", "số nguyên"},
		{`{"progress": {"totalReceived": 1e3, "totalOnTime": 1}}`, "progress.totalReceived", "số nguyên"},
		{`{"progress": {"totalReceived": "326", "totalOnTime": 1}}`, "progress.totalReceived", "một chuỗi"},
		{`{"progress": {"totalReceived": null, "totalOnTime": 1}}`, "progress.totalReceived", "null"},
		{`{"progress": {"totalReceived": 99999999999999999999, "totalOnTime": 1}}`, "progress.totalReceived", "giới hạn"},
		{`{"progress": {"totalReceived": 1000000000000001, "totalOnTime": 1}}`, "progress.totalReceived", "giới hạn"},
		{`{"progress": {"totalReceived": 200, "totalOnTime": 207}}`, "progress.totalOnTime", "lớn hơn mẫu số progress.totalReceived"},
		{`{"progress": [326, 207]}`, "progress", "đối tượng"},
		{`{"progress": {"totalReceived": 3, "totalReceived": 4, "totalOnTime": 1}}`, "progress.totalReceived", "lặp"},
		{`{"metrics": {"NOT_A_METRIC": {"numerator": 1, "denominator": 2}}}`, "metrics.NOT_A_METRIC", "mã chỉ số"},
		{`{"metrics": {"progress": {"numerator": 1, "denominator": 2}}}`, "metrics.progress", "mã chỉ số"},
		{`{"metrics": {"DOSSIER_SYNC": {"numerator": 1}}}`, "metrics.DOSSIER_SYNC.denominator", "thiếu trường"},
		{`{"metrics": {"DOSSIER_SYNC": {"numerator": 3, "denominator": 2}}}`, "metrics.DOSSIER_SYNC.numerator", "lớn hơn mẫu số"},
		{`{"metrics": {"DOSSIER_SYNC": {"numerator": -1, "denominator": 2}}}`, "metrics.DOSSIER_SYNC.numerator", "số âm"},
		{`{"metrics": {"DOSSIER_SYNC": 5}}`, "metrics.DOSSIER_SYNC", "đối tượng"},
		{`{"metrics": [1]}`, "metrics", "đối tượng"},
		{`{"payment": {"totalDossierOnlinePaymentSuccess": 3, "totalDossierFinancialObligation": 2, "totalDossierOnlineFormalityPaymentSuccess": 0, "totalFeeDossierFormality": 0, "totalFeeFormality": 0}}`,
			"payment.totalDossierOnlinePaymentSuccess", "lớn hơn"},
		{`{"payment": {"totalDossierOnlinePaymentSuccess": 0, "totalDossierFinancialObligation": 2, "totalDossierOnlineFormalityPaymentSuccess": 3, "totalFeeDossierFormality": 0, "totalFeeFormality": 2}}`,
			"payment.totalDossierOnlineFormalityPaymentSuccess", "lớn hơn"},
		{`{"payment": {"totalDossierOnlinePaymentSuccess": 0, "totalDossierFinancialObligation": 2, "totalDossierOnlineFormalityPaymentSuccess": 0, "totalFeeDossierFormality": 3, "totalFeeFormality": 2}}`,
			"payment.totalFeeDossierFormality", "lớn hơn"},
		{`{"payment": {"totalDossierOnlinePaymentSuccess": 0}}`, "payment.totalDossierFinancialObligation", "thiếu trường"},
		{`{"online": {"authorityCount": 2, "partialCount": 2, "fullCount": 1, "onlineDossierCount": 0, "onlineServiceTotal": 0, "channelOnlineSum": 0, "channelTotalSum": 0}}`,
			"online.partialCount", "lớn hơn"},
		{`{"online": {"authorityCount": 2, "partialCount": 0, "fullCount": 1, "onlineDossierCount": 2, "onlineServiceTotal": 1, "channelOnlineSum": 0, "channelTotalSum": 0}}`,
			"online.onlineDossierCount", "lớn hơn"},
		{`{"online": {"authorityCount": 2, "partialCount": 0, "fullCount": 1, "onlineDossierCount": 0, "onlineServiceTotal": 1, "channelOnlineSum": 5, "channelTotalSum": 4}}`,
			"online.channelOnlineSum", "lớn hơn"},
		{`{"online": {}}`, "online.authorityCount", "thiếu trường"},
		{`{"metrics": {"DOSSIER_SYNC": {"numerator": 1, "denominator": 2, "x": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": {"k": {"l": {"m": {"n": {"o": 1}}}}}}}}}}}}}}}}}}`,
			"metrics.DOSSIER_SYNC.x.a.b.c.d.e.f.g.h.i.j.k.l.m.n", "sâu"},
		{`{"progress": {"totalReceived": 3, "totalOnTime": true}}`, "progress.totalOnTime", "đúng/sai"},
		{`{1: 2}`, "", "không phải JSON"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.in))
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v (%T), want an *InputError", c.in, err, err)
			continue
		}
		if ie.Field != c.field || !strings.Contains(ie.Message, c.says) {
			t.Errorf("%s:\n got  field %q message %q\n want field %q message containing %q", c.in, ie.Field, ie.Message, c.field, c.says)
		}
		if c.field != "" && !strings.HasPrefix(err.Error(), c.field+": ") {
			t.Errorf("%s: error text %q does not start with the field", c.in, err)
		}
	}
	if _, err := Parse([]byte(`{"progress": {"totalReceived": 1, "totalOnTime": 1}` + strings.Repeat(" ", MaxInput) + `}`)); err == nil || !strings.Contains(err.Error(), "quá lớn") {
		t.Errorf("oversized input: %v", err)
	}
}

func TestValidateProgrammaticInput(t *testing.T) {
	in := Input{Metrics: map[string]Counted{"ZZZ": {1, 2}, "DOSSIER_SYNC": {3, 2}}}
	err := in.Validate(Current)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "metrics.DOSSIER_SYNC.numerator" {
		t.Fatalf("sorted first problem: %v", err)
	}
	in = Input{Online: &OnlineInput{AuthorityCount: -1}}
	if err := in.Validate(Current); err == nil || !strings.HasPrefix(err.Error(), "online.authorityCount") {
		t.Fatalf("negative: %v", err)
	}
}

func TestFeeApplies(t *testing.T) {
	for text, want := range map[string]bool{
		"": false, " ": false, "Không": false, "không thu phí": false, "Miễn phí": false, "KHÔNG": false, "-": false,
		"10.000 đồng": true, "Do các Trung tâm sát hạch quy định": true, "50.000 đồng/hồ sơ": true,
	} {
		if got := FeeApplies(text); got != want {
			t.Errorf("FeeApplies(%q) = %v", text, got)
		}
	}
}

func TestProjection(t *testing.T) {
	f := Facts{Received: 100, OnTime: 80, OnTimeUncomplained: 78}
	// 20 open, 15 still on time, 10 of those due before the period ends;
	// of the 80 finished, 65 were on time: a late share of 15/80.
	p := f.Project(Outlook{Open: 20, Recoverable: 15, DueInPeriod: 10})
	if p.Best != f {
		t.Fatalf("best %+v", p.Best)
	}
	// 10 × 15/80 = 1.875 → 2 late
	if p.ExpectedLate != 2 || p.Pace.OnTime != 78 || p.Pace.OnTimeUncomplained != 76 {
		t.Fatalf("pace %+v, late %d", p.Pace, p.ExpectedLate)
	}
	// Half-up: 5 × 1/10 = 0.5 → 1.
	p = Facts{Received: 10, OnTime: 9, OnTimeUncomplained: 9}.Project(Outlook{Open: 0, DueInPeriod: 5})
	if p.ExpectedLate != 1 {
		t.Fatalf("half-up: %d", p.ExpectedLate)
	}
	// Nothing finished yet: no pace to go by.
	if p := (Facts{Received: 3, OnTime: 3}).Project(Outlook{Open: 3, Recoverable: 3, DueInPeriod: 3}); p.ExpectedLate != 0 {
		t.Fatalf("no finished: %+v", p)
	}
}

func TestFactsInputIsValid(t *testing.T) {
	f := Facts{Received: 10, OnTime: 7, OnTimeUncomplained: 6, ReceivedOnline: 4, OfferedReceived: 8, OfferedReceivedOnline: 4,
		Procedures: 88, ProceduresPartial: 18, ProceduresFull: 48, FeeProcedures: 2, FeeProceduresWithDossiers: 1, FeeProceduresPaidOnline: 1,
		FeeDossiers: 3, PaidOnline: 1, Results: 6, EResults: 4, Digitised: 3}
	in := f.Input()
	if err := in.Validate(Current); err != nil {
		t.Fatal(err)
	}
	out := Compute(Current, in)
	// progress 20×0.7 = 14; satisfaction 6×0.6/0.9 = 4; online min(2, 2×(66/88)/0.8) = 1.875 + 4×4/8 = 2 + min(6, 6×0.4/0.5) = 4.8 → 8.675;
	// payment 6/3 + min(2, 2.5×0.5) + 2.5×0.5 = 2 + 1.25 + 1.25 = 4.5; digitisation 6×4/6 + 4×3/6 = 4 + 2 = 6.
	want := map[string]float64{Progress: 14, Satisfaction: 4, Online: 8.68, Payment: 4.5, Digitisation: 6}
	for g, v := range want {
		if out.Groups[g].Points() != v {
			t.Errorf("%s = %v, want %v", g, out.Groups[g], v)
		}
	}
	if out.Total.Score != 37.18 || out.Total.Max != 82 { // 14 + 4 + 8.675 + 4.5 + 6 = 37.175 → 37.18
		t.Errorf("total %+v", out.Total)
	}
	unknown := Unknown(Current, in)
	if len(unknown[Transparency]) != 4 || len(unknown[Digitisation]) != 5 || len(unknown[Satisfaction]) != 2 {
		t.Errorf("unknown %v", unknown)
	}
}

func TestFactsInputWithPortalSync(t *testing.T) {
	f := Facts{Received: 10, OnTime: 10, OnTimeUncomplained: 10}
	if _, ok := f.Input().Metrics["DOSSIER_SYNC"]; ok {
		t.Fatal("DOSSIER_SYNC is unknown until the portal sync runs")
	}
	f.SyncKnown, f.Synced = true, 8
	in := f.Input()
	if in.Metrics["DOSSIER_SYNC"] != (Counted{Numerator: 8, Denominator: 10}) {
		t.Fatalf("DOSSIER_SYNC %+v", in.Metrics["DOSSIER_SYNC"])
	}
	out := Compute(Current, in)
	if got := out.Metrics["DOSSIER_SYNC"].Points(); got != 4.8 { // 6 × 8/10
		t.Fatalf("DOSSIER_SYNC points %v", got)
	}
	if len(Unknown(Current, in)[Transparency]) != 3 {
		t.Fatalf("unknown %v", Unknown(Current, in)[Transparency])
	}
}
