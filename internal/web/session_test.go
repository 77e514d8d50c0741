package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"dunghan/internal/demo"
)

// browserClient keeps cookies and does not follow redirects.
func browserClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func postForm(t *testing.T, c *http.Client, target string, form url.Values, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestLoginLogoutAndLockout(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		c := browserClient()
		resp := postForm(t, c, a.base+"/dang-nhap", url.Values{"username": {"motcua1"}, "password": {demo.Password}, "tiep": {"/thu-tuc"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/thu-tuc" {
			t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		cookie := resp.Cookies()[0]
		if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie flags: %+v", cookie)
		}
		// An open redirect is refused.
		resp = postForm(t, c, a.base+"/dang-nhap", url.Values{"username": {"motcua1"}, "password": {demo.Password}, "tiep": {"//evil.example"}})
		if resp.Header.Get("Location") != "/" {
			t.Fatalf("redirect target %q", resp.Header.Get("Location"))
		}
		// A cross-origin form post is refused and changes nothing.
		resp = postForm(t, c, a.base+"/dang-xuat", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin post: %d", resp.StatusCode)
		}
		resp = postForm(t, c, a.base+"/dang-xuat", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dang-nhap" {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		// Five wrong passwords lock the account, even for the right one.
		for range 5 {
			if r := postForm(t, c, a.base+"/dang-nhap", url.Values{"username": {"cv.tccb1"}, "password": {"sai-mat-khau"}}); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong password: %d", r.StatusCode)
			}
		}
		if r := postForm(t, c, a.base+"/dang-nhap", url.Values{"username": {"cv.tccb1"}, "password": {demo.Password}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("locked account: %d", r.StatusCode)
		}
		// The log-in form is rate-limited per address.
		limited := false
		for range 30 {
			if r := postForm(t, c, a.base+"/dang-nhap", url.Values{"username": {"ghost"}, "password": {"x"}}); r.StatusCode == http.StatusTooManyRequests {
				limited = true
				break
			}
		}
		if !limited {
			t.Fatal("no rate limit on the log-in form")
		}
	})
}
