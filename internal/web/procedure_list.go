package web

import (
	"net/http"

	"dunghan/internal/apperr"
)

// procedureList shows an agency's procedure catalogue (?co-quan=CODE, default the first agency).
func (s *Server) procedureList(w http.ResponseWriter, r *http.Request) {
	agencies, err := s.deps.Store.Agencies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(agencies) == 0 {
		s.fail(w, r, apperr.New(apperr.NotFound, "Chưa có cơ quan nào. Hãy chạy với DUNGHAN_DEMO=true hoặc tạo cơ quan trước."))
		return
	}
	a := agencies[0]
	if code := r.URL.Query().Get("co-quan"); code != "" {
		found := false
		for _, x := range agencies {
			if x.Code == code {
				a, found = x, true
			}
		}
		if !found {
			s.fail(w, r, apperr.Newf(apperr.NotFound, "Không tìm thấy cơ quan có mã %s.", code))
			return
		}
	}
	procs, err := s.deps.Store.Procedures(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noDuration := 0
	for _, p := range procs {
		if p.Legal == nil {
			noDuration++
		}
	}
	s.render(w, r, http.StatusOK, "procedures.html", map[string]any{
		"Title": "Danh mục thủ tục hành chính", "Agency": a, "Procedures": procs, "NoDuration": noDuration,
	})
}
