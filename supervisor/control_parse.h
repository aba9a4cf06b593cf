/* control_parse: the control protocol's request line, split into words
 * (control.h has the protocol). Pure: no I/O, no state, so it is fuzzed
 * alone (tests/fuzz/fuzz_control.c).
 *
 * Contract: control_split() splits line in place at spaces into at most
 * CONTROL_MAX_WORDS words (argv[argc] is NULL) and checks that every byte
 * is printable ASCII. It returns the word count, or -1 with *why set to the
 * one-line error to answer (a static string). */
#ifndef STELE_CONTROL_PARSE_H
#define STELE_CONTROL_PARSE_H

#define CONTROL_MAX_WORDS 8

int control_split(char *line, char *argv[CONTROL_MAX_WORDS + 1], const char **why);

#endif
