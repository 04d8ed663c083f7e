#!/usr/bin/env python3
"""Writes a synthetic cluster into a state dir: N Services, each with one
EndpointSlice of E endpoints, one file per Service (the way a GitOps tree
or `kubectl get -o yaml` per object looks).

usage: gen.py DIR N [E] [json|yaml]
"""
import json
import os
import sys


def service(i):
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": f"svc-{i}", "namespace": f"ns-{i % 50}",
                     "labels": {"app": f"app-{i}"}},
        "spec": {"type": "ClusterIP",
                 "clusterIP": f"10.{96 + i // 65536}.{i // 256 % 256}.{i % 256}",
                 "selector": {"app": f"app-{i}"},
                 "ports": [{"name": "http", "port": 80, "targetPort": 8080,
                            "protocol": "TCP"}]},
    }


def endpoint(i, j, ready=True):
    n = i * 16 + j
    return {"addresses": [f"10.{128 + n // 65536}.{n // 256 % 256}.{n % 256}"],
            "conditions": {"ready": ready, "serving": ready,
                           "terminating": False},
            "nodeName": f"node-{j % 3}", "zone": f"zone-{j % 3}",
            "targetRef": {"kind": "Pod", "name": f"svc-{i}-pod-{j}",
                          "namespace": f"ns-{i % 50}"}}


def slice_(i, e, ready_last=True):
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": f"svc-{i}-abcde", "namespace": f"ns-{i % 50}",
                     "labels": {"kubernetes.io/service-name": f"svc-{i}"}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [endpoint(i, j, ready_last or j < e - 1)
                      for j in range(e)],
    }


def yaml_dump(obj, indent=0):
    """A small YAML writer for the shapes above (no PyYAML needed)."""
    pad = "  " * indent
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:")
                out.append(yaml_dump(v, indent + 1))
            else:
                out.append(f"{pad}{k}: {json.dumps(v)}")
    else:
        for v in obj:
            if isinstance(v, (dict, list)):
                body = yaml_dump(v, indent + 1).lstrip()
            else:
                body = json.dumps(v)
            out.append(f"{pad}- {body}")
    return "\n".join(out)


def write(d, i, e, fmt, ready_last=True):
    objs = [service(i), slice_(i, e, ready_last)]
    path = os.path.join(d, f"svc-{i:05d}.{fmt}")
    tmp = os.path.join(d, f".svc-{i:05d}.tmp")
    with open(tmp, "w") as f:
        if fmt == "json":
            json.dump({"apiVersion": "v1", "kind": "List", "items": objs}, f)
        else:
            f.write("\n---\n".join(yaml_dump(o) for o in objs) + "\n")
    os.rename(tmp, path)


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    e = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    fmt = sys.argv[4] if len(sys.argv) > 4 else "yaml"
    os.makedirs(d, exist_ok=True)
    if n < 0:  # rewrite one file, flipping its last endpoint's readiness
        i = -n - 1
        flip = os.environ.get("FLIP", "0") == "1"
        write(d, i, e, fmt, ready_last=not flip)
        return
    for i in range(n):
        write(d, i, e, fmt)


if __name__ == "__main__":
    main()
