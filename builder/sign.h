/* sign: Secure Boot signatures on EFI executables, with sbsigntool.
 *
 * Contract: sign_check() reads the PEM private key and certificate with
 * libcrypto before any build work and refuses, in one line naming the
 * fix, a missing or unreadable file, an encrypted key (sbsign would ask
 * for its password), and a key that is not the certificate's.
 * sign_file() writes OUT, IN signed (sbsign), and checks the result with
 * sbverify against the certificate. */
#ifndef STELE_BUILDER_SIGN_H
#define STELE_BUILDER_SIGN_H

struct signer {
	const char *key;  /* PEM private key, not encrypted */
	const char *cert; /* PEM X.509 certificate */
};

int sign_check(const struct signer *s);
int sign_file(const struct signer *s, const char *in, const char *out, const char *log);

#endif
