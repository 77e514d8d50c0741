package scorecard

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxCount bounds every count of a what-if input (10^15): far above any
// real figure, and low enough that sums of counts never overflow.
const MaxCount = 1_000_000_000_000_000

// Input is the what-if calculator's input: the portal's own parameter
// names, so that numbers can be pasted from the portal's screens. Every
// group and every metric is optional (nil or absent).
type Input struct {
	Progress *ProgressInput     `json:"progress,omitempty"`
	Payment  *PaymentInput      `json:"payment,omitempty"`
	Online   *OnlineInput       `json:"online,omitempty"`
	Metrics  map[string]Counted `json:"metrics,omitempty"`
}

// ProgressInput are the parameters of the progress group.
type ProgressInput struct {
	TotalReceived int64 `json:"totalReceived"`
	TotalOnTime   int64 `json:"totalOnTime"`
}

// PaymentInput are the parameters of the online-payment group.
type PaymentInput struct {
	TotalDossierOnlinePaymentSuccess          int64 `json:"totalDossierOnlinePaymentSuccess"`
	TotalDossierFinancialObligation           int64 `json:"totalDossierFinancialObligation"`
	TotalDossierOnlineFormalityPaymentSuccess int64 `json:"totalDossierOnlineFormalityPaymentSuccess"`
	TotalFeeDossierFormality                  int64 `json:"totalFeeDossierFormality"`
	TotalFeeFormality                         int64 `json:"totalFeeFormality"`
}

// OnlineInput are the parameters of the online-service group.
type OnlineInput struct {
	AuthorityCount     int64 `json:"authorityCount"`
	PartialCount       int64 `json:"partialCount"`
	FullCount          int64 `json:"fullCount"`
	OnlineDossierCount int64 `json:"onlineDossierCount"`
	OnlineServiceTotal int64 `json:"onlineServiceTotal"`
	ChannelOnlineSum   int64 `json:"channelOnlineSum"`
	ChannelTotalSum    int64 `json:"channelTotalSum"`
}

// Counted is a metric's numerator and denominator.
type Counted struct {
	Numerator   int64 `json:"numerator"`
	Denominator int64 `json:"denominator"`
}

// InputError is bad what-if input. Field is the JSON path of the field at
// fault ("progress.totalOnTime"), "" when the input as a whole is bad; the
// message is Vietnamese.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func inputErr(field, format string, args ...any) *InputError {
	return &InputError{Field: clip(field), Message: fmt.Sprintf(format, args...)}
}

// clip shortens a field path built from the input's own keys, so that a
// message never echoes more than a line of it.
func clip(s string) string {
	const limit = 120
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}

// param is one named count of a group, for parsing and validation.
type param struct {
	name string
	ptr  *int64
}

func (p *ProgressInput) params() []param {
	return []param{{"totalReceived", &p.TotalReceived}, {"totalOnTime", &p.TotalOnTime}}
}

func (p *PaymentInput) params() []param {
	return []param{
		{"totalDossierOnlinePaymentSuccess", &p.TotalDossierOnlinePaymentSuccess},
		{"totalDossierFinancialObligation", &p.TotalDossierFinancialObligation},
		{"totalDossierOnlineFormalityPaymentSuccess", &p.TotalDossierOnlineFormalityPaymentSuccess},
		{"totalFeeDossierFormality", &p.TotalFeeDossierFormality},
		{"totalFeeFormality", &p.TotalFeeFormality},
	}
}

func (o *OnlineInput) params() []param {
	return []param{
		{"authorityCount", &o.AuthorityCount}, {"partialCount", &o.PartialCount}, {"fullCount", &o.FullCount},
		{"onlineDossierCount", &o.OnlineDossierCount}, {"onlineServiceTotal", &o.OnlineServiceTotal},
		{"channelOnlineSum", &o.ChannelOnlineSum}, {"channelTotalSum", &o.ChannelTotalSum},
	}
}

func (c *Counted) params() []param {
	return []param{{"numerator", &c.Numerator}, {"denominator", &c.Denominator}}
}

// ParamNames lists the parameter names of the group with the code
// (progress, payment, online), in the portal's order; nil for the others.
func ParamNames(group string) []string {
	var ps []param
	switch group {
	case Progress:
		ps = (&ProgressInput{}).params()
	case Payment:
		ps = (&PaymentInput{}).params()
	case Online:
		ps = (&OnlineInput{}).params()
	default:
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.name
	}
	return out
}

// Validate checks counts and metric codes against the set: every count
// between 0 and MaxCount, no numerator above its denominator, only known
// metric codes. The first problem is returned as an *InputError.
func (in Input) Validate(set Set) error {
	counts := func(prefix string, ps []param) error {
		for _, p := range ps {
			if v := *p.ptr; v < 0 {
				return inputErr(prefix+p.name, "không được là số âm (nhận được %d).", v)
			} else if v > MaxCount {
				return inputErr(prefix+p.name, "vượt quá giới hạn %d.", int64(MaxCount))
			}
		}
		return nil
	}
	atMost := func(prefix, num string, n int64, den string, d int64) error {
		if n > d {
			return inputErr(prefix+num, "tử số (%d) lớn hơn mẫu số %s%s (%d).", n, prefix, den, d)
		}
		return nil
	}
	if p := in.Progress; p != nil {
		if err := counts("progress.", p.params()); err != nil {
			return err
		}
		if err := atMost("progress.", "totalOnTime", p.TotalOnTime, "totalReceived", p.TotalReceived); err != nil {
			return err
		}
	}
	if p := in.Payment; p != nil {
		if err := counts("payment.", p.params()); err != nil {
			return err
		}
		for _, c := range []struct {
			num string
			n   int64
			den string
			d   int64
		}{
			{"totalDossierOnlinePaymentSuccess", p.TotalDossierOnlinePaymentSuccess, "totalDossierFinancialObligation", p.TotalDossierFinancialObligation},
			{"totalDossierOnlineFormalityPaymentSuccess", p.TotalDossierOnlineFormalityPaymentSuccess, "totalFeeFormality", p.TotalFeeFormality},
			{"totalFeeDossierFormality", p.TotalFeeDossierFormality, "totalFeeFormality", p.TotalFeeFormality},
		} {
			if err := atMost("payment.", c.num, c.n, c.den, c.d); err != nil {
				return err
			}
		}
	}
	if o := in.Online; o != nil {
		if err := counts("online.", o.params()); err != nil {
			return err
		}
		if o.PartialCount+o.FullCount > o.AuthorityCount {
			return inputErr("online.partialCount", "partialCount + fullCount (%d) lớn hơn mẫu số online.authorityCount (%d).", o.PartialCount+o.FullCount, o.AuthorityCount)
		}
		if err := atMost("online.", "onlineDossierCount", o.OnlineDossierCount, "onlineServiceTotal", o.OnlineServiceTotal); err != nil {
			return err
		}
		if err := atMost("online.", "channelOnlineSum", o.ChannelOnlineSum, "channelTotalSum", o.ChannelTotalSum); err != nil {
			return err
		}
	}
	codes := make([]string, 0, len(in.Metrics))
	for code := range in.Metrics {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		if _, ok := set.Metric(code); !ok {
			return unknownMetric(set, code)
		}
		c := in.Metrics[code]
		prefix := "metrics." + code + "."
		if err := counts(prefix, c.params()); err != nil {
			return err
		}
		if err := atMost(prefix, "numerator", c.Numerator, "denominator", c.Denominator); err != nil {
			return err
		}
	}
	return nil
}

func unknownMetric(set Set, code string) *InputError {
	known := make([]string, 0, len(set.Metrics))
	for _, m := range set.Metrics {
		known = append(known, m.Code)
	}
	return inputErr("metrics."+code, "mã chỉ số không có trong bộ chỉ số %s. Các mã hợp lệ: %s.", set.Version, strings.Join(known, ", "))
}
