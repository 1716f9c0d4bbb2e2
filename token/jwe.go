package token

import (
	"strconv"

	jose "github.com/go-jose/go-jose/v4"
)

// JWE algorithms Inspect decrypts (RFC 7518 4, 5). RSA1_5 is left out on
// purpose (RFC 8725 3.2 discourages it).
var (
	jweKeyAlgs = []jose.KeyAlgorithm{
		jose.RSA_OAEP, jose.RSA_OAEP_256,
		jose.ECDH_ES, jose.ECDH_ES_A128KW, jose.ECDH_ES_A192KW, jose.ECDH_ES_A256KW,
		jose.DIRECT, jose.A128KW, jose.A192KW, jose.A256KW,
		jose.A128GCMKW, jose.A192GCMKW, jose.A256GCMKW,
	}
	jweEncs = []jose.ContentEncryption{
		jose.A128CBC_HS256, jose.A192CBC_HS384, jose.A256CBC_HS512,
		jose.A128GCM, jose.A192GCM, jose.A256GCM,
	}
)

// decryptJWE decrypts s with opts.DecryptKey; it records the outcome in
// r.JWE and returns the plaintext.
func decryptJWE(s string, h *headerInfo, opts *Options, r *Report) ([]byte, bool) {
	info := r.JWE
	if opts.DecryptKey == nil {
		info.Status = "encrypted"
		info.Reason = "give the recipient's private key (or the shared key for dir/A*KW) to decrypt"
		return nil, false
	}
	jwe, err := jose.ParseEncryptedCompact(s, jweKeyAlgs, jweEncs)
	if err != nil {
		info.Status = "unsupported"
		info.Reason = "cannot decrypt alg " + strconv.Quote(h.alg) + " enc " + strconv.Quote(h.enc) + ": " + trimJose(err)
		return nil, false
	}
	plain, err := jwe.Decrypt(opts.DecryptKey)
	if err != nil {
		info.Status = "failed"
		info.Reason = "decryption failed (" + trimJose(err) + "): wrong key, a key of the wrong type for " + h.alg + ", or the token was altered"
		return nil, false
	}
	info.Status = "decrypted"
	info.Reason = "decrypted with the key given (" + h.alg + ", " + h.enc + ")"
	return plain, true
}
