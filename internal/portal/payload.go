package portal

// Dossier is the DongBoHoSoMC record of one dossier (domain-vn §3.4). Every
// date is a Stamp; "" when not yet known.
type Dossier struct {
	MaHoSo       string `json:"MaHoSo"`             // our code; the portal's identifier until acceptance
	MaHoSoQG     string `json:"MaHoSoQG,omitempty"` // the portal's identifier of a dossier submitted on it (ours)
	MaTTHC       string `json:"MaTTHC"`
	TenTTHC      string `json:"TenTTHC"`
	MaLinhVuc    string `json:"MaLinhVuc"`
	TenLinhVuc   string `json:"TenLinhVuc"`
	KenhThucHien int    `json:"KenhThucHien"` // 1 trực tiếp, 2 trực tuyến, 3 bưu chính

	ChuHoSo         string `json:"ChuHoSo"`
	LoaiDoiTuong    int    `json:"LoaiDoiTuong"` // 1 công dân, 2 doanh nghiệp
	MaDoiTuong      string `json:"MaDoiTuong"`
	SoGiayToChuHoSo string `json:"SoGiayToChuHoSo"`
	Email           string `json:"Email"`
	SoDienThoai     string `json:"SoDienThoai"`
	DiaChi          string `json:"DiaChi"`
	TrichYeuHoSo    string `json:"TrichYeuHoSo"`

	NgayNopHoSo     string `json:"NgayNopHoSo"`
	NgayTiepNhan    string `json:"NgayTiepNhan"`
	NgayHenTra      string `json:"NgayHenTra"`
	TrangThaiHoSo   int    `json:"TrangThaiHoSo"`
	NgayKetThucXuLy string `json:"NgayKetThucXuLy"` // processing finished (status 9; 766's end time)
	NgayTra         string `json:"NgayTra"`         // result returned (10)
	NgayTuChoi      string `json:"NgayTuChoi"`      // not accepted (3)

	HinhThuc   int    `json:"HinhThuc"` // how the result is returned: 0 not yet, 1 at the desk, 2 by post, 3 online
	DonViXuLy  string `json:"DonViXuLy"`
	NoiNopHoSo string `json:"NoiNopHoSo"`

	HoSoCoThanhPhanSoHoa        int `json:"HoSoCoThanhPhanSoHoa"`        // 1: some document was digitised
	TaiKhoanDuocXacThucVoiVNeID int `json:"TaiKhoanDuocXacThucVoiVNeID"` // 1: the applicant's account is VNeID-verified
	DuocThanhToanTrucTuyen      int `json:"DuocThanhToanTrucTuyen"`      // 0 no, 1 paid online on DVCQG

	TaiLieuNop           []Document   `json:"TaiLieuNop"`
	DanhSachLePhi        []Fee        `json:"DanhSachLePhi"`
	DanhSachHoSoBoSung   []Supplement `json:"DanhSachHoSoBoSung"`
	DanhSachGiayToKetQua []Result     `json:"DanhSachGiayToKetQua"`
}

// Key is the identifier the portal files d under: its own for a dossier
// submitted on it, else our code.
func (d Dossier) Key() string {
	if d.MaHoSoQG != "" {
		return d.MaHoSoQG
	}
	return d.MaHoSo
}

// Document is one submitted document (TaiLieuNop).
type Document struct {
	TepDinhKemId     string `json:"TepDinhKemId"`
	TenTepDinhKem    string `json:"TenTepDinhKem"`
	IsDeleted        bool   `json:"IsDeleted"`
	MaThanhPhanHoSo  string `json:"MaThanhPhanHoSo"`
	SoBan            int    `json:"SoBan"`    // copies (ours)
	BanChinh         bool   `json:"BanChinh"` // original, else copy (ours)
	DuocSoHoa        int    `json:"DuocSoHoa"`
	DuocTaiSuDung    int    `json:"DuocTaiSuDung"`
	DuocLayTuKhoDMQG int    `json:"DuocLayTuKhoDMQG"`
}

// Fee is one fee or charge requested (DanhSachLePhi).
type Fee struct {
	TenPhiLePhi  string `json:"TenPhiLePhi"`
	MaPhiLePhi   string `json:"MaPhiLePhi"`
	HinhThucThu  int    `json:"HinhThucThu"` // 1 at the desk, 2 online
	Gia          int64  `json:"Gia"`         // đồng
	LoaiPhiLePhi int    `json:"LoaiPhiLePhi"`
}

// Supplement kinds (LoaiBoSung, ours): what moved the return date.
const (
	SupplementRequest = 1 // yêu cầu bổ sung hồ sơ
	Reschedule        = 2 // xin lỗi và hẹn lại ngày trả kết quả
)

// Supplement is one supplement request or one reschedule
// (DanhSachHoSoBoSung), with the return date before and after.
type Supplement struct {
	HoSoBoSungId         string   `json:"HoSoBoSungId"`
	LoaiBoSung           int      `json:"LoaiBoSung"`
	NguoiYeuCauBoSung    string   `json:"NguoiYeuCauBoSung"`
	NoiDungBoSung        string   `json:"NoiDungBoSung"`
	NgayBoSung           string   `json:"NgayBoSung"`
	DanhSachGiayToBoSung []string `json:"DanhSachGiayToBoSung"`
	NgayTiepNhanBoSung   string   `json:"NgayTiepNhanBoSung"` // the complete dossier came back
	TrangThaiBoSung      int      `json:"TrangThaiBoSung"`    // 1 waiting, 2 received, 3 ended without it
	NgayHenTraTruoc      string   `json:"NgayHenTraTruoc"`
	NgayHenTraMoi        string   `json:"NgayHenTraMoi"`
}

// Result is one result document (DanhSachGiayToKetQua).
type Result struct {
	TenGiayTo            string `json:"TenGiayTo"`
	MaThanhPhanHoSo      string `json:"MaThanhPhanHoSo"`
	GiayToId             string `json:"GiayToId"`
	DuongDanTepTinKetQua string `json:"DuongDanTepTinKetQua"` // link to the electronic result; "" on paper
}

// Step is one CapNhatTienDoHoSoMC record: one thing done to the dossier.
type Step struct {
	MaHoSo                 string `json:"MaHoSo"` // Dossier.Key
	STT                    int    `json:"STT"`    // 1, 2, … in order (ours): a repeated push replaces, never adds
	NguoiXuLy              string `json:"NguoiXuLy"`
	ChucDanh               string `json:"ChucDanh"`
	ThoiDiemXuLy           string `json:"ThoiDiemXuLy"`
	PhongBanXuLy           string `json:"PhongBanXuLy"`
	NoiDungXuLy            string `json:"NoiDungXuLy"`
	TrangThai              int    `json:"TrangThai"` // the dossier's status code after the step
	NgayBatDau             string `json:"NgayBatDau"`
	NgayKetThucTheoQuyDinh string `json:"NgayKetThucTheoQuyDinh"`
}
