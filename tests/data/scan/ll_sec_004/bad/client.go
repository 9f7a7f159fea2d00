package llpay

import (
	"crypto/tls"
	"net/http"
)

var client = &http.Client{Transport: &http.Transport{
	TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // expect: LL-SEC-004
}}
