/* limits: every bound stele-metadata puts on untrusted input, in one place
 * so that the README, the tests and the code agree. */
#ifndef STELE_METADATA_LIMITS_H
#define STELE_METADATA_LIMITS_H

/* Raw userdata kept in /run/config/userdata, parsed or not. */
#define USERDATA_RAW_MAX (16u << 20)
/* Userdata larger than this is not parsed (kept raw only). */
#define USERDATA_PARSE_MAX (2u << 20)
/* A LinuxKit-style tree: total bytes of file contents, files + dirs, depth. */
#define TREE_BYTES_MAX	 (1u << 20)
#define TREE_ENTRIES_MAX 256
#define TREE_DEPTH_MAX	 8
/* One meta-data document (NoCloud meta-data, OpenStack meta_data.json). */
#define METADATA_MAX (256u << 10)
/* One HTTP response body from a metadata service (userdata uses the raw cap). */
#define HTTP_BODY_MAX (256u << 10)
/* Scalar meta-data keys kept, and the longest value. */
#define META_KEYS_MAX  64
#define META_VALUE_MAX 4096
/* The kernel command line. */
#define CMDLINE_MAX 4096
/* A file or directory name (one path component). */
#define NAME_MAX_LEN 255

#endif
