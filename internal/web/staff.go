package web

// staffStore is what the staff pages need of the store.
type staffStore interface{}

// staffRoutes registers the staff pages: worklist, reception, dossier page.
func (s *Server) staffRoutes() {}
