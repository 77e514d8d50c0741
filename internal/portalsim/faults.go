package portalsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Faults are the failures the simulator is told to produce (see the package
// documentation for their order). The counts go down by one per call
// they shape; zero is no fault.
type Faults struct {
	Down       bool          // answer 503 with an HTML page on /session and /service
	Delay      time.Duration // hold each /session and /service call this long
	Malformed  int           // cut the next N /service answers in half (the call is carried out)
	Fail500    int           // answer the next N /service calls with HTTP 500
	Unexpected int           // answer the next N /service calls with CodeUnexpected
	Busy       int           // answer the next N /service calls with portal.CodeBusy
	Drop       int           // answer the next N valid pushes OK and store nothing
}

// faultsJSON is the JSON form of Faults: Delay as a Go duration ("1.5s").
type faultsJSON struct {
	Down       bool   `json:"down"`
	Delay      string `json:"delay"`
	Malformed  int    `json:"malformed"`
	Fail500    int    `json:"fail500"`
	Unexpected int    `json:"unexpected"`
	Busy       int    `json:"busy"`
	Drop       int    `json:"drop"`
}

// MarshalJSON writes f with Delay as a duration string.
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{Down: f.Down, Delay: f.Delay.String(), Malformed: f.Malformed, Fail500: f.Fail500,
		Unexpected: f.Unexpected, Busy: f.Busy, Drop: f.Drop})
}

// UnmarshalJSON reads the form MarshalJSON writes; fields left out are zero,
// unknown fields, negative counts and bad durations are errors.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	var delay time.Duration
	if j.Delay != "" {
		d, err := time.ParseDuration(j.Delay)
		if err != nil || d < 0 {
			return fmt.Errorf("delay %q: want a duration such as 1.5s", j.Delay)
		}
		delay = d
	}
	for name, n := range map[string]int{"malformed": j.Malformed, "fail500": j.Fail500, "unexpected": j.Unexpected, "busy": j.Busy, "drop": j.Drop} {
		if n < 0 {
			return fmt.Errorf("%s is %d: want a count ≥ 0", name, n)
		}
	}
	*f = Faults{Down: j.Down, Delay: delay, Malformed: j.Malformed, Fail500: j.Fail500, Unexpected: j.Unexpected, Busy: j.Busy, Drop: j.Drop}
	return nil
}

// SetFaults replaces the pending faults.
func (s *Sim) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Faults returns the pending faults, with what is left of the counts.
func (s *Sim) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// takeDrop reports whether a push is to be dropped, counting Drop down; s.mu is held.
func (s *Sim) takeDrop() bool {
	if s.faults.Drop <= 0 {
		return false
	}
	s.faults.Drop--
	return true
}

func (s *Sim) handleGetFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Faults())
}

func (s *Sim) handleSetFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if !decodeSim(w, r, maxSmallBody, &f) {
		return
	}
	s.SetFaults(f)
	s.opts.Log.Info("portal-sim faults set", "down", f.Down, "delay", f.Delay, "malformed", f.Malformed, "fail500", f.Fail500,
		"unexpected", f.Unexpected, "busy", f.Busy, "drop", f.Drop)
	writeJSON(w, http.StatusOK, f)
}

func (s *Sim) handleExpire(w http.ResponseWriter, _ *http.Request) {
	n := s.ExpireSessions()
	s.opts.Log.Info("portal-sim sessions expired", "sessions", n)
	writeJSON(w, http.StatusOK, map[string]int{"expired": n})
}

// decodeSim reads a /sim/* JSON body into v, or answers 400 or 413 with
// {"error": …} and returns false.
func decodeSim(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return true
	}
	status := http.StatusBadRequest
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
		status = http.StatusRequestEntityTooLarge
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
	return false
}
