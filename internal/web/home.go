package web

import "net/http"

// home shows the agencies served here and links to their catalogues.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	agencies, err := s.deps.Store.Agencies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home.html", map[string]any{"Title": "Trang chủ", "Agencies": agencies})
}
