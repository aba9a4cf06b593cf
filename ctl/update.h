/* update: stelectl's update commands, over update/ (the ESP's slots).
 *
 *   stelectl update FILE.efi [--no-reboot] [--tries N]
 *   stelectl update --rollback [--no-reboot]
 *   stelectl update --boot     (the supervisor runs it at boot complete)
 *
 * cmd_update() returns stelectl's exit code; a refusal is one line on
 * stderr and exit 1. update_status() prints the slot lines that
 * `stelectl status` ends with (nothing on a host without slots).
 *
 * --boot: on a slot that is on trial, waits until every required service
 * (stele.json without "optional": true) has been running or ready for
 * update_healthy_after seconds (init.conf; default 60) and blesses the
 * slot; a required service that fails first, or no health within that
 * plus UPDATE_HEALTH_BOUND_S, reboots (a try used). The trial's last words
 * and its boot timeline are kept in UPDATE_TRIAL_DIR (the state volume)
 * from boot complete on, so that a boot the watchdog ends leaves them
 * too. On a good slot whose other slot is bad, says on the console that
 * an update was rolled back, with those last words and where the
 * timeline is. Then follows userdata's stele.update.url. */
#ifndef STELE_CTL_UPDATE_H
#define STELE_CTL_UPDATE_H

#define UPDATE_HEALTH_BOUND_S 600
#define UPDATE_TRIAL_DIR      "/var/lib/stele-update"
#define UPDATE_INIT_CONF      "/etc/stele/init.conf"
#define UPDATE_USERDATA	      "/run/config/userdata"

int cmd_update(int argc, char **argv);
void update_status(void);

/* From stelectl.c: the supervisor's status body (free it), or NULL; one
 * line of it split in place at its tabs into f[N_FIELDS] (returns how
 * many); and a power request. */
enum { F_KIND, F_NAME, F_STATE, F_PID, F_SINCE, F_RESTARTS, F_DETAIL, N_FIELDS };
char *ctl_status_body(void);
int ctl_status_fields(char *line, char **f);
int ctl_power(const char *verb);

#endif
