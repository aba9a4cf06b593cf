#include "builder/sign.h"

#include "builder/tool.h"
#include "lib/log.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* No password prompt: an encrypted key is refused, not asked about. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

static EVP_PKEY *read_key(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-key %s: %s; give the PEM private key that signs", path,
			   strerror(errno));
		return NULL;
	}
	EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, no_password, NULL);
	fclose(f);
	if (!key) {
		unsigned long e = ERR_peek_last_error();
		bool encrypted = ERR_GET_REASON(e) == PEM_R_BAD_PASSWORD_READ ||
				 ERR_GET_REASON(e) == PEM_R_PROBLEMS_GETTING_PASSWORD;
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-key %s: %s; give a PEM private key without a password "
			   "(openssl pkey -in KEY -out PLAIN.key)",
			   path, encrypted ? "the key is encrypted" : "not a PEM private key");
	}
	ERR_clear_error();
	return key;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-cert %s: %s; give the PEM certificate of the signing "
			   "key",
			   path, strerror(errno));
		return NULL;
	}
	X509 *cert = PEM_read_X509(f, NULL, no_password, NULL);
	fclose(f);
	if (!cert)
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-cert %s: not a PEM certificate; give the PEM "
			   "certificate of the signing key",
			   path);
	ERR_clear_error();
	return cert;
}

int sign_check(const struct signer *s)
{
	EVP_PKEY *key = read_key(s->key);
	X509 *cert = key ? read_cert(s->cert) : NULL;
	int rc = -1;
	if (cert && X509_check_private_key(cert, key) == 1)
		rc = 0;
	else if (cert)
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-key %s does not match --sign-cert %s; give the key "
			   "the certificate was made for",
			   s->key, s->cert);
	ERR_clear_error();
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int sign_file(const struct signer *s, const char *in, const char *out, const char *log)
{
	char *sign[] = {"/usr/bin/sbsign", "--key",	(char *)s->key, "--cert", (char *)s->cert,
			"--output",	   (char *)out, (char *)in,	NULL};
	char *verify[] = {"/usr/bin/sbverify", "--cert", (char *)s->cert, (char *)out, NULL};
	if (tool_run("signing", sign, log, 120) < 0)
		return -1;
	return tool_run("checking the signature", verify, log, 120);
}
