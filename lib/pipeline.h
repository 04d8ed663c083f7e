/*
 * pipeline.h: items prepared in parallel, applied in order.
 *
 * pipeline_run() calls prepare(arg, i) and then apply(arg, i) for every
 * item i in 0..n-1.  prepare() runs on worker threads as well as on the
 * calling thread, so it must touch nothing shared; apply() runs on the
 * calling thread only, in index order, each call after prepare() of the
 * same item.  Items are prepared at most `window` ahead of the last one
 * applied, so the caller can keep the state of item i in slot i % window
 * of an array: when prepare(i) starts, apply(i - window) has returned.
 *
 * With no workers (or none that could be started), it is a plain loop.
 */
#ifndef SVCD_PIPELINE_H
#define SVCD_PIPELINE_H

#include <stddef.h>

typedef void (*pipeline_fn)(void *arg, size_t i);

/* Runs the pipeline with up to `workers` threads besides the caller's. */
void pipeline_run(size_t n, size_t window, size_t workers,
		  pipeline_fn prepare, pipeline_fn apply, void *arg);

/* Worker threads worth starting for CPU-bound work on this machine: one
 * per CPU besides the caller's, at most `max`. */
size_t pipeline_workers(size_t max);

#endif
