/*
 * report.h: Services and their endpoints as JSON, for svcctl.
 *
 * The JSON is the contract between svcd and svcctl (and scripts using
 * `svcctl list -o json`); field names follow the Kubernetes API's where
 * one exists (clusterIPs, externalIPs, nodePort, targetPort).
 */
#ifndef SVCD_REPORT_H
#define SVCD_REPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "model/view.h"

/* One Service as `svcctl list` shows it; with detail, also every
 * endpoint and where the endpoints came from (`svcctl get`). */
json_t *report_service(const struct view_service *vs, int64_t now,
		       bool detail);

#endif
