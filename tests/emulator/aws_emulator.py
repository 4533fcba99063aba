#!/usr/bin/env python3
"""A scripted AWS account for auditpack's live-collection tests and bench.

One emulated account that the AWS CLI (the export script) and the AWS SDK for
Rust can both talk to, so that tests can compare what the two collect.

It runs moto in server mode in this process and puts a front HTTP server
before it. The front server:

* works out each request's service, region and operation (SigV4 credential
  scope; X-Amz-Target; Action=; method and path for REST services);
* counts requests per (service, operation, region): GET /emulator/calls;
* injects faults (errors in each protocol's own wire format, and latency)
  from a rules file (--faults);
* answers itself the operations moto lacks or gets wrong (see OWN_OPERATIONS),
  in the wire format of the real service, and forwards everything else to moto.

Every socket is on 127.0.0.1. Standard library, moto and boto3 only.
See README.md next to this file for the command-line contract.
"""

import argparse
import base64
import hashlib
import http.client
import json
import logging
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape as xml_escape

LOCALHOST = "127.0.0.1"
ACCOUNT = "123456789012"  # moto's default account
CALLER_ARN = f"arn:aws:sts::{ACCOUNT}:user/moto"  # what moto's GetCallerIdentity says
log = logging.getLogger("aws-emulator")

# Protocol of each service, by the name the emulator uses for it (its SigV4
# signing name, except s3control, which signs as "s3").
PROTOCOLS = {
    "ec2": "ec2",
    "iam": "query",
    "sts": "query",
    "ssm": "json",
    "support": "json",
    "config": "json",
    "cloudtrail": "json",
    "s3control": "rest-xml",
    "guardduty": "rest-json",
    "securityhub": "rest-json",
    "inspector2": "rest-json",
    "artifact": "rest-json",
    "auditmanager": "rest-json",
}
# Names a fault rule may use for a service, beyond the ones above.
SERVICE_ALIASES = {"configservice": "config", "s3-control": "s3control"}
QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"

# Operations the emulator answers itself instead of moto.
OWN_OPERATIONS = {
    ("ec2", "GetInstanceMetadataDefaults"): "moto: not implemented",
    ("ssm", "DescribeInstanceInformation"): "moto: not implemented",
    ("support", "DescribeTrustedAdvisorCheckResult"): "moto: not implemented",
    ("securityhub", "GetEnabledStandards"): "moto: no route (404)",
    ("inspector2", "BatchGetAccountStatus"): "moto answers [] without accountIds",
    ("artifact", "ListReports"): "moto: no backend",
    ("artifact", "GetTermForReport"): "moto: no backend",
    ("artifact", "GetReport"): "moto: no backend",
    ("auditmanager", "GetEvidenceFoldersByAssessment"): "moto: no backend",
    ("auditmanager", "GetEvidenceByEvidenceFolder"): "moto: no backend",
}
# Services moto has no backend for: every other operation gets a clear error.
NO_MOTO_BACKEND = {"artifact", "auditmanager"}

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}

THROTTLE_CODES = {
    "throttlingexception",
    "throttling",
    "requestlimitexceeded",
    "toomanyrequestsexception",
    "slowdown",
}
DENY_CODES = {"accessdeniedexception", "accessdenied", "unauthorizedoperation"}


def iso_z(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(dt):
    return round(dt.timestamp(), 3)


def stable_uuid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "auditpack-emulator:" + name))


def stable_token(*parts, length=43):
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:length]


def free_port():
    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- models


class Models:
    """botocore's service models: REST routes and modelled error shapes."""

    BOTOCORE_NAMES = {"config": "config", "s3control": "s3control"}

    def __init__(self):
        import botocore.session

        self._session = botocore.session.get_session()
        self._models = {}
        self._routes = {}
        self._lock = threading.Lock()

    def model(self, service):
        with self._lock:
            if service not in self._models:
                self._models[service] = self._session.get_service_model(
                    self.BOTOCORE_NAMES.get(service, service)
                )
            return self._models[service]

    def routes(self, service):
        with self._lock:
            cached = self._routes.get(service)
        if cached is not None:
            return cached
        model = self.model(service)
        routes = []
        for name in model.operation_names:
            http_def = model.operation_model(name).http
            uri = http_def["requestUri"].split("?", 1)[0]
            literal = len(re.sub(r"\{[^}]+\}", "", uri))
            pattern = "^"
            for part in re.split(r"(\{[^}]+\})", uri):
                if part.startswith("{") and part.endswith("+}"):
                    pattern += ".+"
                elif part.startswith("{"):
                    pattern += "[^/]+"
                else:
                    pattern += re.escape(part)
            pattern += "/?$"
            routes.append((literal, http_def["method"], re.compile(pattern), name))
        routes.sort(key=lambda r: -r[0])
        with self._lock:
            self._routes[service] = routes
        return routes

    def rest_operation(self, service, method, path):
        for _, m, pattern, name in self.routes(service):
            if m == method and pattern.match(path):
                return name
        return None

    def error_status(self, service, operation, code):
        """The HTTP status the model gives error CODE, or None."""
        try:
            model = self.model(service)
            shapes = []
            if operation in model.operation_names:
                shapes = model.operation_model(operation).error_shapes
            for shape in shapes:
                err = shape.metadata.get("error", {})
                if shape.name == code or err.get("code") == code:
                    return err.get("httpStatusCode")
            shape = model.shape_for(code)
            return shape.metadata.get("error", {}).get("httpStatusCode")
        except Exception:
            return None

    def server_error_code(self, service, operation, status):
        """The modelled error of OPERATION answered with a 5xx STATUS."""
        try:
            model = self.model(service)
            if operation in model.operation_names:
                for shape in model.operation_model(operation).error_shapes:
                    if shape.metadata.get("error", {}).get("httpStatusCode") == status:
                        return shape.name
                for shape in model.operation_model(operation).error_shapes:
                    if shape.metadata.get("fault") or "Internal" in shape.name:
                        return shape.name
        except Exception:
            pass
        return None


# ---------------------------------------------------------------- errors


class ApiError(Exception):
    def __init__(self, code, message, status=400, extra=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}


def error_response(service, code, message, status, extra=None):
    """(status, headers, body) of an error in SERVICE's own wire format."""
    protocol = PROTOCOLS.get(service, "rest-json")
    request_id = str(uuid.uuid4())
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{xml_escape(code)}</Code>"
            f"<Message>{xml_escape(message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if protocol == "query":
        ns = QUERY_NAMESPACES.get(service, "")
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f'<ErrorResponse xmlns="{ns}"><Error><Type>{kind}</Type>'
            f"<Code>{xml_escape(code)}</Code><Message>{xml_escape(message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()
    if protocol == "rest-xml":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<ErrorResponse><Error><Code>{xml_escape(code)}</Code>"
            f"<Message>{xml_escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></ErrorResponse>"
        )
        return status, {"Content-Type": "application/xml", "x-amz-request-id": request_id}, body.encode()
    if protocol == "json":
        payload = {"__type": code, "message": message}
        payload.update(extra or {})
        headers = {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": request_id}
        return status, headers, json.dumps(payload).encode()
    # rest-json
    if service == "securityhub":
        payload = {"Code": code, "Message": message}
    else:
        payload = {"message": message}
    payload.update(extra or {})
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": request_id,
    }
    return status, headers, json.dumps(payload).encode()


# ---------------------------------------------------------------- faults


class FaultError(ValueError):
    pass


RULE_KEYS = {"service", "operation", "region", "error", "status", "message", "times", "delay_ms"}


def norm_op(name):
    return name.replace("-", "").replace("_", "").lower() if name else name


def norm_service(name):
    name = name.lower()
    return SERVICE_ALIASES.get(name, name)


def parse_rules(data, where):
    if not isinstance(data, list):
        raise FaultError(f"{where}: the faults must be a JSON list of rules")
    rules = []
    for i, rule in enumerate(data):
        place = f"{where}: rule {i + 1}"
        if not isinstance(rule, dict):
            raise FaultError(f"{place}: a rule must be a JSON object")
        unknown = set(rule) - RULE_KEYS
        if unknown:
            raise FaultError(f"{place}: unknown field(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(RULE_KEYS))}")
        if "service" not in rule or not isinstance(rule["service"], str):
            raise FaultError(f'{place}: "service" (a string) is required')
        for key in ("operation", "region", "error", "message"):
            if key in rule and not isinstance(rule[key], str):
                raise FaultError(f'{place}: "{key}" must be a string')
        for key in ("status", "times", "delay_ms"):
            if key in rule and (not isinstance(rule[key], int) or isinstance(rule[key], bool)
                                or rule[key] < 0):
                raise FaultError(f'{place}: "{key}" must be a whole number, 0 or more')
        if "status" in rule and not 400 <= rule["status"] <= 599:
            raise FaultError(f'{place}: "status" must be an HTTP error status (400-599)')
        if not any(k in rule for k in ("error", "status", "delay_ms")):
            raise FaultError(f'{place}: give "error", "status" or "delay_ms"')
        service = norm_service(rule["service"])
        if service not in PROTOCOLS:
            raise FaultError(f'{place}: unknown service "{rule["service"]}"; '
                             f"known: {', '.join(sorted(PROTOCOLS))}")
        rules.append({**rule, "service": service, "_left": rule.get("times"), "_applied": 0})
    return rules


class Faults:
    def __init__(self, models):
        self.models = models
        self.rules = []  # from --faults or PUT /emulator/faults
        self.scenario_rules = []  # the scenario's own denied calls; checked after
        self.lock = threading.Lock()

    def replace(self, rules, scenario=False):
        with self.lock:
            if scenario:
                self.scenario_rules = rules
            else:
                self.rules = rules

    def describe(self):
        with self.lock:
            return [
                {**{k: v for k, v in r.items() if not k.startswith("_")},
                 "origin": origin, "applied": r["_applied"], "left": r["_left"]}
                for origin, rules in (("faults", self.rules), ("scenario", self.scenario_rules))
                for r in rules
            ]

    def take(self, service, operation, region):
        """Matching rules that still apply, each used once by this request."""
        taken = []
        with self.lock:
            for rule in self.rules + self.scenario_rules:
                if rule["service"] != service:
                    continue
                if "operation" in rule and norm_op(rule["operation"]) != norm_op(operation):
                    continue
                if "region" in rule and rule["region"] != region:
                    continue
                if rule["_left"] is not None:
                    if rule["_left"] <= 0:
                        continue
                    rule["_left"] -= 1
                rule["_applied"] += 1
                taken.append(dict(rule))
                if "error" in rule or "status" in rule:
                    break
        return taken

    def error_for(self, rule, service, operation, region):
        """(code, message, status) for an error rule, in the service's own terms."""
        protocol = PROTOCOLS[service]
        given = rule.get("error")
        status = rule.get("status")
        who = CALLER_ARN
        action = f"{service}:{operation}"
        if given and given.lower() in THROTTLE_CODES:
            if protocol == "ec2":
                code, default_status, msg = "RequestLimitExceeded", 503, "Request limit exceeded."
            elif protocol == "query":
                code, default_status, msg = "Throttling", 400, "Rate exceeded"
            elif protocol == "json":
                code, default_status, msg = "ThrottlingException", 400, "Rate exceeded"
            elif protocol == "rest-xml":
                code, default_status, msg = "SlowDown", 503, "Please reduce your request rate."
            else:
                code, default_status, msg = "ThrottlingException", 429, "Rate exceeded"
        elif given and given.lower() in DENY_CODES:
            resource = f"arn:aws:{service}:{region or 'us-east-1'}:{ACCOUNT}:*"
            deny = (f"User: {who} is not authorized to perform: {action} on resource: "
                    f"{resource} with an explicit deny in an identity-based policy")
            if protocol == "ec2":
                code, default_status = "UnauthorizedOperation", 403
                msg = "You are not authorized to perform this operation. " + deny
            elif protocol == "query":
                code, default_status, msg = "AccessDenied", 403, deny
            elif protocol == "json":
                code, default_status, msg = "AccessDeniedException", 400, deny
            elif protocol == "rest-xml":
                code, default_status, msg = "AccessDenied", 403, "Access Denied"
            else:
                code, default_status, msg = "AccessDeniedException", 403, deny
        elif given:
            code = given
            default_status = self.models.error_status(service, operation, given) or 400
            msg = f"{given} (injected by the emulator)"
        else:
            code = None
            default_status = status
            msg = "We encountered an internal error. Please try again."
        status = status or default_status
        if code is None:
            if status == 503:
                code = {"ec2": "Unavailable", "rest-xml": "ServiceUnavailable"}.get(
                    protocol, "ServiceUnavailable")
            elif status >= 500:
                code = {"ec2": "InternalError", "query": "InternalFailure",
                        "rest-xml": "InternalError"}.get(protocol)
                code = code or self.models.server_error_code(service, operation, status) \
                    or "InternalFailure"
            else:
                code = {403: "AccessDeniedException", 404: "ResourceNotFoundException",
                        429: "ThrottlingException"}.get(status, "ValidationException")
        return code, rule.get("message", msg), status


# ---------------------------------------------------------------- the account


class Account:
    """What the emulator serves itself, and the boto3 clients that reach moto."""

    def __init__(self, moto_endpoint, scenario, started):
        import boto3
        from botocore.config import Config

        self.moto_endpoint = moto_endpoint
        self.scenario = scenario
        self.started = started
        self.front = None  # set once the front server listens
        self._boto3 = boto3
        self._config = Config(retries={"max_attempts": 1, "mode": "standard"})
        self._proxy_config = Config
        self._clients = {}
        self._lock = threading.Lock()
        self.regions = []  # regions the scenario seeded
        self.ssm_managed = {}  # region -> set of instance ids
        self.hybrid_nodes = {}  # region -> list of managed-instance dicts
        self.imds_defaults = {}  # region -> AccountLevel dict
        self.hub_standards = {}  # region -> list of standards ARNs suffixes
        self.assessments = {}  # assessment id -> folders with evidence
        self.trusted_advisor = None
        self.facts = {}

    def client(self, service, region="us-east-1"):
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                config = self._config
                if service == "s3control":
                    # s3control puts the account ID in front of the host name
                    # (123456789012.127.0.0.1): reach moto as a proxy instead.
                    config = config.merge(self._proxy_config(proxies={"http": self.moto_endpoint}))
                self._clients[key] = self._boto3.client(
                    service,
                    region_name=region,
                    endpoint_url=self.moto_endpoint,
                    aws_access_key_id="testing",
                    aws_secret_access_key="testing",
                    config=config,
                )
            return self._clients[key]


# ------------------------------------------------------------ own operations


ARTIFACT_REPORTS = [
    {
        "id": "report-Mzj4OAgpCCFetKGs",
        "name": "SOC 2 Type 2 Report (Security, Availability, Confidentiality)",
        "version": 2,
        "description": "System and Organization Controls 2 Type 2 report on the AWS control environment.",
        "periodStart": "2025-10-01T00:00:00Z",
        "periodEnd": "2026-09-30T00:00:00Z",
        "series": "SOC",
        "acceptanceType": "EXPLICIT",
    },
    {
        "id": "report-WPimYEf3DCafnEUv",
        "name": "ISO/IEC 27001:2022 Certification",
        "version": 4,
        "description": "Certificate of registration for the AWS information security management system against ISO/IEC 27001:2022.",
        "periodStart": "2025-10-01T00:00:00Z",
        "periodEnd": "2026-09-30T00:00:00Z",
        "series": "ISO",
        "acceptanceType": "PASSTHROUGH",
    },
    {
        "id": "report-xo6l3THl00O48uis",
        "name": "ISO/IEC 27017:2015 Certification",
        "version": 4,
        "description": "Certificate for the cloud-specific information security controls of ISO/IEC 27017:2015.",
        "periodStart": "2025-10-01T00:00:00Z",
        "periodEnd": "2026-09-30T00:00:00Z",
        "series": "ISO",
        "acceptanceType": "PASSTHROUGH",
    },
    {
        "id": "report-RN5KHvIVbUZY69DY",
        "name": "ISO/IEC 27018:2019 Certification",
        "version": 3,
        "description": "Certificate for the protection of personally identifiable information in public clouds (ISO/IEC 27018:2019).",
        "periodStart": "2024-10-01T00:00:00Z",
        "periodEnd": "2025-09-30T00:00:00Z",
        "series": "ISO",
        "acceptanceType": "PASSTHROUGH",
    },
]


def artifact_summary(report):
    return {
        "id": report["id"],
        "name": report["name"],
        "state": "PUBLISHED",
        "arn": f"arn:aws:artifact:us-east-1::report/{report['id']}",
        "version": report["version"],
        "uploadState": "COMPLETE",
        "description": report["description"],
        "periodStart": report["periodStart"],
        "periodEnd": report["periodEnd"],
        "series": report["series"],
        "category": "Certifications and Attestations",
        "companyName": "AWS",
        "productName": "AWS",
        "acceptanceType": report["acceptanceType"],
    }


def artifact_document(report_id, kind="report"):
    """The deterministic bytes served for a report (or its terms)."""
    report = next((r for r in ARTIFACT_REPORTS if r["id"] == report_id), None)
    if report is None:
        return None
    title = report["name"] if kind == "report" else f"Terms for {report['name']}"
    text = (
        "%PDF-1.4\n"
        f"% auditpack AWS emulator: {kind} {report_id} version {report['version']}\n"
        f"% {title}\n"
        f"% period {report['periodStart']} to {report['periodEnd']}\n"
        "% fictional stand-in, not an AWS document\n"
        "%%EOF\n"
    )
    return text.encode()


def term_token(report_id, version):
    return "term-" + stable_token("term", report_id, str(version), length=24)


def page(items, max_results, next_token, default_max, limit):
    """Slice a listing the way the services page: (items, next token or None)."""
    try:
        start = int(next_token) if next_token else 0
    except ValueError:
        raise ApiError("InvalidNextToken", "The specified token is not valid.") from None
    if start < 0 or start > len(items):
        raise ApiError("InvalidNextToken", "The specified token is not valid.")
    size = default_max
    if max_results is not None:
        try:
            size = int(max_results)
        except ValueError:
            raise ApiError("ValidationException", "maxResults must be a number") from None
        if size < 1 or size > limit:
            raise ApiError("ValidationException",
                           f"1 validation error detected: Value '{size}' at 'maxResults' "
                           f"failed to satisfy constraint: Member must have value less than "
                           f"or equal to {limit}")
    chunk = items[start:start + size]
    end = start + len(chunk)
    return chunk, (str(end) if end < len(items) else None)


class Handlers:
    """The operations the emulator answers itself."""

    def __init__(self, account):
        self.a = account

    # -- ec2
    def ec2_get_instance_metadata_defaults(self, req):
        level = self.a.imds_defaults.get(req.region, {})
        tags = {
            "HttpTokens": "httpTokens",
            "HttpPutResponseHopLimit": "httpPutResponseHopLimit",
            "HttpEndpoint": "httpEndpoint",
            "InstanceMetadataTags": "instanceMetadataTags",
            "ManagedBy": "managedBy",
        }
        inner = "".join(f"<{tags[k]}>{xml_escape(str(v))}</{tags[k]}>" for k, v in level.items())
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<GetInstanceMetadataDefaultsResponse xmlns="{EC2_NAMESPACE}">'
            f"<requestId>{uuid.uuid4()}</requestId>"
            f"<accountLevel>{inner}</accountLevel>"
            "</GetInstanceMetadataDefaultsResponse>"
        )
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()

    # -- ssm
    def managed_nodes(self, region):
        managed = self.a.ssm_managed.get(region, set())
        nodes = []
        if managed:
            ec2 = self.a.client("ec2", region)
            reservations = ec2.describe_instances(InstanceIds=sorted(managed))["Reservations"]
            instances = [i for r in reservations for i in r["Instances"]]
            for inst in sorted(instances, key=lambda i: i["InstanceId"]):
                state = inst["State"]["Name"]
                if state in ("terminated", "shutting-down"):
                    continue
                windows = inst.get("Platform", "").lower() == "windows"
                ping = self.a.started - timedelta(seconds=47 + len(nodes) * 13)
                assoc = self.a.started - timedelta(hours=3)
                nodes.append({
                    "InstanceId": inst["InstanceId"],
                    "PingStatus": "Online" if state == "running" else "ConnectionLost",
                    "LastPingDateTime": epoch(ping),
                    "AgentVersion": "3.3.2746.0",
                    "IsLatestVersion": True,
                    "PlatformType": "Windows" if windows else "Linux",
                    "PlatformName": "Microsoft Windows Server 2022 Datacenter" if windows else "Amazon Linux",
                    "PlatformVersion": "10.0.20348" if windows else "2023",
                    "ResourceType": "EC2Instance",
                    "IPAddress": inst.get("PrivateIpAddress", ""),
                    "ComputerName": inst.get("PrivateDnsName", ""),
                    "AssociationStatus": "Success",
                    "LastAssociationExecutionDate": epoch(assoc),
                    "LastSuccessfulAssociationExecutionDate": epoch(assoc),
                    "AssociationOverview": {
                        "DetailedStatus": "Success",
                        "InstanceAssociationStatusAggregatedCount": {"Success": 2},
                    },
                    "SourceId": inst["InstanceId"],
                    "SourceType": "AWS::EC2::Instance",
                })
        for node in self.a.hybrid_nodes.get(region, []):
            nodes.append(dict(node))
        return nodes

    def ssm_describe_instance_information(self, req):
        body = req.json_body()
        nodes = self.managed_nodes(req.region)
        for flt in body.get("Filters", []) + [
            {"Key": f["key"], "Values": f["valueSet"]} for f in body.get("InstanceInformationFilterList", [])
        ]:
            key, values = flt.get("Key"), flt.get("Values", [])
            field = {"InstanceIds": "InstanceId", "PingStatus": "PingStatus",
                     "ResourceType": "ResourceType", "PlatformTypes": "PlatformType"}.get(key)
            if field is None:
                raise ApiError("InvalidFilterKey", f"The filter key {key} is not valid.")
            nodes = [n for n in nodes if n.get(field) in values]
        if "MaxResults" in body and not 5 <= int(body["MaxResults"]) <= 50:
            raise ApiError("ValidationException",
                           "1 validation error detected: Value at 'maxResults' failed to "
                           "satisfy constraint: Member must have value between 5 and 50")
        chunk, token = page(nodes, body.get("MaxResults"), body.get("NextToken"), 50, 50)
        out = {"InstanceInformationList": chunk}
        if token:
            out["NextToken"] = token
        return json_ok(out)

    # -- support
    def support_describe_trusted_advisor_check_result(self, req):
        body = req.json_body()
        check_id = body.get("checkId")
        results = self.a.trusted_advisor or {}
        if check_id not in results:
            raise ApiError("InvalidParameterValueException",
                           f"Check Id {check_id} is invalid or not supported.")
        return json_ok({"result": results[check_id]})

    # -- securityhub
    def securityhub_get_enabled_standards(self, req):
        from botocore.exceptions import ClientError

        try:
            self.a.client("securityhub", req.region).describe_hub()
        except ClientError as e:
            code = e.response["Error"]["Code"]
            raise ApiError(code, e.response["Error"].get("Message", ""),
                           e.response["ResponseMetadata"]["HTTPStatusCode"]) from None
        body = req.json_body()
        subs = []
        for std in self.a.hub_standards.get(req.region, []):
            subs.append({
                "StandardsSubscriptionArn": f"arn:aws:securityhub:{req.region}:{ACCOUNT}:subscription/{std}",
                "StandardsArn": f"arn:aws:securityhub:{req.region}::standards/{std}",
                "StandardsInput": {},
                "StandardsStatus": "READY",
                "StandardsControlsUpdatable": "READY_FOR_UPDATES",
            })
        wanted = body.get("StandardsSubscriptionArns")
        if wanted:
            subs = [s for s in subs if s["StandardsSubscriptionArn"] in wanted]
        chunk, token = page(subs, body.get("MaxResults"), body.get("NextToken"), 100, 100)
        out = {"StandardsSubscriptions": chunk}
        if token:
            out["NextToken"] = token
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    # -- inspector2
    def inspector2_batch_get_account_status(self, req):
        body = req.json_body()
        ids = body.get("accountIds") or [ACCOUNT]
        moto_answer = self.a.client("inspector2", req.region).batch_get_account_status(accountIds=ids)
        known = {acc["accountId"]: acc for acc in moto_answer.get("accounts", [])}
        accounts = []
        for acct in ids:
            acc = known.get(acct)
            if acc is None:
                off = {"status": "DISABLED"}
                acc = {"accountId": acct, "state": dict(off),
                       "resourceState": {k: dict(off) for k in ("ec2", "ecr", "lambda", "lambdaCode")}}
            else:
                acc = {
                    "accountId": acc["accountId"],
                    "state": {"status": acc.get("state", {}).get("status", "DISABLED")},
                    "resourceState": {k: {"status": v.get("status", "DISABLED")}
                                      for k, v in acc.get("resourceState", {}).items()},
                }
            accounts.append(acc)
        out = {"accounts": accounts, "failedAccounts": []}
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    # -- artifact
    def artifact_list_reports(self, req):
        q = req.query()
        reports = [artifact_summary(r) for r in ARTIFACT_REPORTS]
        chunk, token = page(reports, q.get("maxResults"), q.get("nextToken"), 300, 300)
        out = {"reports": chunk}
        if token:
            out["nextToken"] = token
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def _artifact_report(self, req):
        q = req.query()
        report_id = q.get("reportId")
        report = next((r for r in ARTIFACT_REPORTS if r["id"] == report_id), None)
        if report is None:
            raise ApiError("ResourceNotFoundException", f"Report {report_id} does not exist.", 404,
                           {"resourceId": report_id or "", "resourceType": "report"})
        version = q.get("reportVersion")
        if version is not None and version != str(report["version"]):
            raise ApiError("ResourceNotFoundException",
                           f"Version {version} of report {report_id} does not exist.", 404,
                           {"resourceId": report_id, "resourceType": "report"})
        return report, q

    def artifact_get_term_for_report(self, req):
        report, _ = self._artifact_report(req)
        out = {
            "documentPresignedUrl": f"{self.a.front}/artifact-download/{report['id']}/terms",
            "termToken": term_token(report["id"], report["version"]),
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def artifact_get_report(self, req):
        report, q = self._artifact_report(req)
        if q.get("termToken") != term_token(report["id"], report["version"]):
            raise ApiError("ValidationException",
                           "The term token is not valid for this report; call GetTermForReport first.",
                           400, {"reason": "invalidToken"})
        out = {"documentPresignedUrl": f"{self.a.front}/artifact-download/{report['id']}"}
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    # -- auditmanager
    def _assessment(self, assessment_id):
        found = self.a.assessments.get(assessment_id)
        if found is None:
            raise ApiError("ResourceNotFoundException",
                           f"The assessment {assessment_id} does not exist.", 404,
                           {"resourceId": assessment_id, "resourceType": "ASSESSMENT"})
        return found

    def auditmanager_get_evidence_folders_by_assessment(self, req):
        m = re.match(r"^/assessments/([^/]+)/evidenceFolders/?$", req.path)
        assessment_id = urllib.parse.unquote(m.group(1))
        folders = [f["folder"] for f in self._assessment(assessment_id)]
        q = req.query()
        chunk, token = page(folders, q.get("maxResults"), q.get("nextToken"), 1000, 1000)
        out = {"evidenceFolders": chunk}
        if token:
            out["nextToken"] = token
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def auditmanager_get_evidence_by_evidence_folder(self, req):
        m = re.match(r"^/assessments/([^/]+)/controlSets/([^/]+)/evidenceFolders/([^/]+)/evidence/?$",
                     req.path)
        assessment_id, control_set, folder_id = (urllib.parse.unquote(g) for g in m.groups())
        entry = next((f for f in self._assessment(assessment_id)
                      if f["folder"]["id"] == folder_id and f["folder"]["controlSetId"] == control_set),
                     None)
        if entry is None:
            raise ApiError("ResourceNotFoundException",
                           f"The evidence folder {folder_id} does not exist in control set "
                           f"{control_set}.", 404,
                           {"resourceId": folder_id, "resourceType": "EVIDENCE_FOLDER"})
        q = req.query()
        chunk, token = page(entry["evidence"], q.get("maxResults"), q.get("nextToken"), 1000, 1000)
        out = {"evidence": chunk}
        if token:
            out["nextToken"] = token
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def dispatch(self, service, operation):
        name = f"{service}_{re.sub(r'(?<!^)(?=[A-Z])', '_', operation).lower()}"
        return getattr(self, name, None)


def json_ok(obj):
    return 200, {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": str(uuid.uuid4())}, \
        json.dumps(obj).encode()


# ---------------------------------------------------------------- Trusted Advisor

RED_PORTS = {20, 21, 22, 1433, 1434, 3306, 3389, 4333, 5432, 5500}
GREEN_PORTS = {25, 80, 443, 465}


def compute_trusted_advisor(account):
    """One result per Trusted Advisor check moto lists, from moto's state."""
    from botocore.exceptions import ClientError

    ts = iso_z(account.started - timedelta(hours=1))
    checks = account.client("support", "us-east-1").describe_trusted_advisor_checks(language="en")["checks"]

    def result(check_id, rows, processed, status=None):
        flagged = sum(1 for r in rows if r["status"] != "ok")
        if status is None:
            statuses = {r["status"] for r in rows}
            status = "error" if "error" in statuses else "warning" if "warning" in statuses else "ok"
        return {
            "checkId": check_id,
            "timestamp": ts,
            "status": status,
            "resourcesSummary": {"resourcesProcessed": processed, "resourcesFlagged": flagged,
                                 "resourcesIgnored": 0, "resourcesSuppressed": 0},
            "categorySpecificSummary": {"costOptimizing": {"estimatedMonthlySavings": 0.0,
                                                           "estimatedPercentMonthlySavings": 0.0}},
            "flaggedResources": rows,
        }

    def row(check_id, status, key, metadata=None, region=None):
        r = {"status": status}
        if region:
            r["region"] = region
        r["resourceId"] = stable_token(check_id, key)
        r["isSuppressed"] = False
        if metadata is not None:
            r["metadata"] = metadata
        return r

    colour = {"ok": "Green", "warning": "Yellow", "error": "Red"}
    groups = []
    for region in account.regions:
        for g in account.client("ec2", region).describe_security_groups()["SecurityGroups"]:
            groups.append((region, g))

    ports_rows, open_rows = [], []
    for region, g in groups:
        label = f"{g['GroupId']} ({g.get('VpcId', '')})"
        for perm in g.get("IpPermissions", []):
            if not any(r.get("CidrIp") == "0.0.0.0/0" for r in perm.get("IpRanges", [])):
                continue
            proto = perm.get("IpProtocol")
            lo, hi = perm.get("FromPort"), perm.get("ToPort")
            if proto in ("tcp", "udp") and lo is not None:
                span = set(range(lo, hi + 1)) if hi - lo < 70000 else set()
                if span & RED_PORTS:
                    status = "error"
                elif span <= GREEN_PORTS:
                    status = "ok"
                else:
                    status = "warning"
                ports = str(lo) if lo == hi else f"{lo}-{hi}"
                ports_rows.append(row("HCP4007jGY", status, f"{region}/{g['GroupId']}/{proto}/{ports}",
                                      [region, g["GroupName"], label, proto, colour[status], ports], region))
                if not (lo == hi and lo in GREEN_PORTS):
                    open_rows.append(row("1iG5NDGVre", "error", f"{region}/{g['GroupId']}/{proto}/{ports}",
                                         ["Red", region, g["GroupName"], label, proto, str(lo), str(hi),
                                          "0.0.0.0/0"], region))
            elif proto == "-1":
                open_rows.append(row("1iG5NDGVre", "error", f"{region}/{g['GroupId']}/all",
                                     ["Red", region, g["GroupName"], label, "-1", "All", "All",
                                      "0.0.0.0/0"], region))

    iam = account.client("iam")
    users = iam.list_users()["Users"]
    summary = iam.get_account_summary()["SummaryMap"]
    try:
        policy = iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError:
        policy = None
    keys = []
    for u in users:
        for k in iam.list_access_keys(UserName=u["UserName"])["AccessKeyMetadata"]:
            keys.append((u["UserName"], k))

    results = {}
    for check in checks:
        cid = check["id"]
        if check["category"] != "security":
            continue
        if cid == "HCP4007jGY":
            results[cid] = result(cid, ports_rows, len(groups))
        elif cid == "1iG5NDGVre":
            results[cid] = result(cid, open_rows, len(groups))
        elif cid == "zXCkfM1nI3":
            status = "ok" if users else "warning"
            results[cid] = result(cid, [row(cid, status, "iam-use")], 1)
        elif cid == "7DAFEmoDos":
            status = "ok" if summary.get("AccountMFAEnabled") else "error"
            results[cid] = result(cid, [row(cid, status, "root-mfa")], 1)
        elif cid == "Yw2K9puPzl":
            if policy is None:
                meta = ["Disabled"] * 5 + ["Red", "Password policy is not enabled"]
                status = "error"
            else:
                flags = [policy.get(k) for k in ("RequireUppercaseCharacters", "RequireLowercaseCharacters",
                                                 "RequireNumbers", "RequireSymbols")]
                words = ["Enabled" if f else "Disabled" for f in flags]
                if all(flags):
                    status, note = "ok", "Password policy is enabled with all content requirements"
                elif any(flags):
                    status, note = "warning", "Not all password content requirements are enabled"
                else:
                    status, note = "warning", "Password content requirements are not enabled"
                meta = ["Enabled"] + words + [colour[status], note]
            results[cid] = result(cid, [row(cid, status, "password-policy", meta)], 1)
        elif cid == "DqdJqYeRm5":
            rows = []
            for user, k in keys:
                created = k["CreateDate"]
                age = (account.started - created).days
                status = "error" if age > 730 else "warning" if age > 90 else "ok"
                note = {"ok": "Rotated in the last 90 days", "warning": "Not rotated in the last 90 days",
                        "error": "Not rotated in the last 2 years"}[status]
                rows.append(row(cid, status, k["AccessKeyId"],
                                [colour[status], user, k["AccessKeyId"],
                                 created.strftime("%Y-%m-%dT%H:%M:%S.000Z"), note]))
            results[cid] = result(cid, rows, len(keys))
        elif cid == "vjafUGJ9H0":
            rows = []
            trails = []
            for region in account.regions:
                ct = account.client("cloudtrail", region)
                for t in ct.describe_trails(includeShadowTrails=False)["trailList"]:
                    if t.get("HomeRegion", region) != region:
                        continue
                    on = ct.get_trail_status(Name=t["TrailARN"]).get("IsLogging", False)
                    trails.append(t)
                    status = "ok" if on else "warning"
                    rows.append(row(cid, status, t["TrailARN"],
                                    [region, t["Name"], "On" if on else "Off",
                                     t.get("S3BucketName", ""), colour[status]], region))
            results[cid] = result(cid, rows, len(trails))
        elif cid == "Pfx0RwqBli":
            n = len(account.client("s3").list_buckets().get("Buckets", []))
            results[cid] = result(cid, [], n)
        elif cid in ("12Fnkpl8Y5", "ePs02jT06w", "rSs93HQwa1"):
            results[cid] = result(cid, [], 0)
        else:
            results[cid] = result(cid, [], 0, status="not_available")
    return results


# ---------------------------------------------------------------- seeding


def seed_sample(account):
    """The sample account: the planted faults of samples/nhs-trust that moto can hold."""
    a = account
    a.regions = ["eu-west-2", "eu-west-1"]
    facts = {"regions": {}}
    account_wide = {}

    def tag(name):
        return [{"Key": "Name", "Value": name}]

    def amazon_image(ec2, pattern):
        images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [pattern]}])["Images"]
        if not images:
            raise RuntimeError(f"moto lists no Amazon image named {pattern}")
        return sorted(images, key=lambda i: (i.get("Name", ""), i["ImageId"]))[0]

    plan = {
        "eu-west-2": {
            "cidr": "10.20.0.0/16", "ipv6": True, "vpc_name": "nbch-prod",
            "golden": "northbridge-cis-al2023-2026.08.1",
        },
        "eu-west-1": {
            "cidr": "10.60.0.0/16", "ipv6": False, "vpc_name": "nbch-dr",
            "golden": "northbridge-cis-al2023-2026.09.1",
        },
    }

    for region in a.regions:
        p = plan[region]
        ec2 = a.client("ec2", region)
        rf = {"security_groups": {}, "instances": {}, "images": {}}
        vpc = ec2.create_vpc(CidrBlock=p["cidr"], AmazonProvidedIpv6CidrBlock=p["ipv6"],
                             TagSpecifications=[{"ResourceType": "vpc", "Tags": tag(p["vpc_name"])}])["Vpc"]
        vpc_id = vpc["VpcId"]
        rf["vpc"] = vpc_id
        base = p["cidr"].split(".")
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{base[0]}.{base[1]}.10.0/24",
                                   AvailabilityZone=f"{region}a",
                                   TagSpecifications=[{"ResourceType": "subnet",
                                                       "Tags": tag(p["vpc_name"] + "-app-a")}])["Subnet"]
        data_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{base[0]}.{base[1]}.20.0/24",
                                        AvailabilityZone=f"{region}b",
                                        TagSpecifications=[{"ResourceType": "subnet",
                                                            "Tags": tag(p["vpc_name"] + "-data-b")}])["Subnet"]
        rf["subnets"] = [subnet["SubnetId"], data_subnet["SubnetId"]]

        def group(name, description):
            gid = ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc_id,
                                            TagSpecifications=[{"ResourceType": "security-group",
                                                                "Tags": tag(name)}])["GroupId"]
            rf["security_groups"][name] = gid
            return gid

        def allow(gid, proto, lo, hi, cidr=None, cidr6=None, source=None, note=""):
            perm = {"IpProtocol": proto, "FromPort": lo, "ToPort": hi}
            if cidr:
                perm["IpRanges"] = [{"CidrIp": cidr, "Description": note}]
            if cidr6:
                perm["Ipv6Ranges"] = [{"CidrIpv6": cidr6, "Description": note}]
            if source:
                perm["UserIdGroupPairs"] = [{"GroupId": source, "Description": note}]
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[perm])

        default_sg = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]
        rf["default_security_group"] = default_sg["GroupId"]

        golden = ec2.register_image(Name=p["golden"], Architecture="x86_64", RootDeviceName="/dev/xvda",
                                    VirtualizationType="hvm",
                                    Description="Trust CIS-hardened Amazon Linux 2023 image",
                                    BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                                          "Ebs": {"VolumeSize": 8}}])["ImageId"]
        rf["images"]["golden"] = golden

        def launch(name, image, groups, tokens, managed, subnet_id=None, public=False):
            args = dict(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.medium",
                        SubnetId=subnet_id or subnet["SubnetId"], SecurityGroupIds=groups,
                        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled",
                                         "HttpPutResponseHopLimit": 2 if tokens == "required" else 1},
                        TagSpecifications=[{"ResourceType": "instance", "Tags": tag(name)}])
            if public:
                args.pop("SubnetId")
                args.pop("SecurityGroupIds")
                args["NetworkInterfaces"] = [{"DeviceIndex": 0, "SubnetId": subnet_id or subnet["SubnetId"],
                                              "Groups": groups, "AssociatePublicIpAddress": True}]
            inst = ec2.run_instances(**args)["Instances"][0]
            iid = inst["InstanceId"]
            rf["instances"][name] = {"id": iid, "image": image, "http_tokens": tokens,
                                     "ssm_managed": managed, "state": "running"}
            if managed:
                a.ssm_managed.setdefault(region, set()).add(iid)
            return iid

        if region == "eu-west-2":
            # The default group of the prod VPC was emptied.
            if default_sg.get("IpPermissions"):
                ec2.revoke_security_group_ingress(GroupId=default_sg["GroupId"],
                                                  IpPermissions=default_sg["IpPermissions"])
            if default_sg.get("IpPermissionsEgress"):
                ec2.revoke_security_group_egress(GroupId=default_sg["GroupId"],
                                                 IpPermissions=default_sg["IpPermissionsEgress"])
            alb = group("nbch-alb-public", "Public load balancer")
            allow(alb, "tcp", 443, 443, cidr="0.0.0.0/0", note="HTTPS from anywhere")
            allow(alb, "tcp", 443, 443, cidr6="::/0", note="HTTPS from anywhere (IPv6)")
            bastion = group("nbch-bastion-ssh", "Bastion SSH")
            allow(bastion, "tcp", 22, 22, cidr="0.0.0.0/0", note="SSH from anywhere")
            rdp = group("nbch-jumphost-supplier-rdp", "Supplier RDP to the jump host")
            allow(rdp, "tcp", 3380, 3395, cidr="0.0.0.0/0", note="supplier remote desktop")
            web = group("nbch-web-app", "Web application tier")
            allow(web, "tcp", 22, 22, source=bastion, note="SSH from the bastion only")
            allow(web, "tcp", 443, 443, source=alb, note="HTTPS from the load balancer")
            db = group("nbch-db-postgres", "PostgreSQL for the web tier")
            allow(db, "tcp", 5432, 5432, source=web, note="PostgreSQL from the web tier only")
            build = group("nbch-build-jenkins", "Build server")
            allow(build, "tcp", 22, 22, source=bastion, note="SSH from the bastion only")
            report_sg = group("nbch-reporting", "Reporting server")
            allow(report_sg, "tcp", 3306, 3306, cidr="0.0.0.0/0", note="legacy MySQL reporting feed")

            amazon = amazon_image(ec2, "amzn2-ami-hvm-*-x86_64-gp2")
            windows = amazon_image(ec2, "Windows_Server-*-English-Full-Base-*")
            rf["images"]["amazon"] = amazon["ImageId"]
            rf["images"]["amazon_windows"] = windows["ImageId"]
            launch("nbch-bastion-01", golden, [bastion], "optional", True, public=True)
            launch("nbch-jump-win-01", windows["ImageId"], [rdp], "required", True)
            launch("nbch-web-01", golden, [web], "required", True)
            launch("nbch-reporting-01", golden, [report_sg], "required", False)
            launch("nbch-build-jenkins-01", amazon["ImageId"], [build], "optional", True)

            # A tight custom NACL on the data subnet; the default NACL stays as made.
            nacl = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=[
                {"ResourceType": "network-acl", "Tags": tag("nbch-data-tier-nacl")}])["NetworkAcl"]
            nacl_id = nacl["NetworkAclId"]
            ec2.create_network_acl_entry(NetworkAclId=nacl_id, RuleNumber=100, Protocol="6",
                                         RuleAction="allow", Egress=False, CidrBlock=f"{base[0]}.{base[1]}.10.0/24",
                                         PortRange={"From": 5432, "To": 5432})
            ec2.create_network_acl_entry(NetworkAclId=nacl_id, RuleNumber=100, Protocol="6",
                                         RuleAction="allow", Egress=True, CidrBlock=f"{base[0]}.{base[1]}.10.0/24",
                                         PortRange={"From": 1024, "To": 65535})
            assoc = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id",
                                                        "Values": [data_subnet["SubnetId"]]}])["NetworkAcls"]
            for acl in assoc:
                for link in acl.get("Associations", []):
                    if link.get("SubnetId") == data_subnet["SubnetId"]:
                        ec2.replace_network_acl_association(AssociationId=link["NetworkAclAssociationId"],
                                                            NetworkAclId=nacl_id)
            rf["custom_network_acl"] = nacl_id

            ec2.enable_ebs_encryption_by_default()
            a.imds_defaults[region] = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2,
                                       "ManagedBy": "account"}
            a.hybrid_nodes[region] = [{
                "InstanceId": "mi-07c486908c9edbf7f",
                "PingStatus": "Online",
                "LastPingDateTime": epoch(a.started - timedelta(seconds=95)),
                "AgentVersion": "3.3.2746.0",
                "IsLatestVersion": True,
                "PlatformType": "Windows",
                "PlatformName": "Microsoft Windows Server 2019 Standard",
                "PlatformVersion": "10.0.17763",
                "ActivationId": "5f0e1c2d-7a3b-4c9d-8e1f-2a3b4c5d6e7f",
                "IamRole": "service-role/AmazonEC2RunCommandRoleForManagedInstances",
                "RegistrationDate": epoch(datetime(2025, 2, 11, 10, 30, 0, tzinfo=timezone.utc)),
                "ResourceType": "ManagedInstance",
                "Name": "nbch-pas-integration-01",
                "IPAddress": "172.16.40.12",
                "ComputerName": "NBCH-PAS-INT01.nbch.local",
                "AssociationStatus": "Success",
                "LastAssociationExecutionDate": epoch(a.started - timedelta(hours=3)),
                "LastSuccessfulAssociationExecutionDate": epoch(a.started - timedelta(hours=3)),
                "AssociationOverview": {"DetailedStatus": "Success",
                                        "InstanceAssociationStatusAggregatedCount": {"Success": 1}},
                "SourceId": "mi-07c486908c9edbf7f",
                "SourceType": "AWS::SSM::ManagedInstance",
            }]
            rf["hybrid_nodes"] = ["mi-07c486908c9edbf7f"]
        else:
            # eu-west-1: the DR VPC keeps its default group's default rules
            # (all traffic from the group itself; moto leaves that rule out).
            if not default_sg.get("IpPermissions"):
                ec2.authorize_security_group_ingress(GroupId=default_sg["GroupId"], IpPermissions=[
                    {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default_sg["GroupId"]}]}])
            app = group("nbch-dr-app", "DR application tier")
            allow(app, "tcp", 443, 443, cidr="10.60.0.0/16", note="HTTPS inside the VPC")
            db = group("nbch-dr-db-postgres", "DR PostgreSQL standby")
            allow(db, "tcp", 5432, 5432, source=app, note="PostgreSQL from the DR app tier")
            allow(db, "tcp", 5432, 5432, cidr6="::/0", note="temporary replication test")
            iid = launch("nbch-dr-pg-standby-01", golden, [db], "optional", True)
            ec2.stop_instances(InstanceIds=[iid])
            rf["instances"]["nbch-dr-pg-standby-01"]["state"] = "stopped"
            a.imds_defaults[region] = {}
            rf["hybrid_nodes"] = []

        rf["network_acls"] = sorted(acl["NetworkAclId"] for acl in ec2.describe_network_acls(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"])
        rf["ssm_managed_instances"] = sorted(a.ssm_managed.get(region, set()))
        rf["imds_defaults"] = a.imds_defaults[region]
        rf["ebs_encryption_by_default"] = region == "eu-west-2"
        facts["regions"][region] = rf

    # ---- IAM
    iam = a.client("iam")
    users = {}
    for name, console, mfa, key in [
        ("j.okafor", True, True, False),
        ("r.patel", True, False, False),
        ("m.hughes", True, True, False),
        ("svc-backup-sync", False, False, True),
        ("svc-ci-artifacts", False, False, True),
    ]:
        u = iam.create_user(UserName=name)["User"]
        info = {"user_id": u["UserId"], "arn": u["Arn"], "console_password": console,
                "mfa_device": None, "access_key": None}
        if console:
            iam.create_login_profile(UserName=name, Password="Emulator-Passw0rd!", PasswordResetRequired=False)
        if mfa:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                                  AuthenticationCode1="123456", AuthenticationCode2="654321")
            info["mfa_device"] = serial
        if key:
            info["access_key"] = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        users[name] = info
    spare = iam.create_virtual_mfa_device(VirtualMFADeviceName="unassigned-spare")["VirtualMFADevice"]
    policy = {"MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": False,
              "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
              "AllowUsersToChangePassword": True}
    iam.update_account_password_policy(**policy)
    account_wide["iam"] = {"users": users, "password_policy": policy,
                           "unassigned_virtual_mfa_device": spare["SerialNumber"]}

    # ---- S3 account Block Public Access, buckets for trails and Config
    a.client("s3control", "eu-west-2").put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3 = a.client("s3", "eu-west-2")
    for bucket in ("nbch-cloudtrail-logs", "nbch-config-history"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})

    # ---- GuardDuty: eu-west-2 only
    detector = a.client("guardduty", "eu-west-2").create_detector(Enable=True)["DetectorId"]
    facts["regions"]["eu-west-2"]["guardduty_detector"] = detector
    facts["regions"]["eu-west-1"]["guardduty_detector"] = None

    # ---- Config: recording everything in eu-west-2; present, 3 types, not recording in eu-west-1
    role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    for region in a.regions:
        cfg = a.client("config", region)
        if region == "eu-west-2":
            group_def = {"allSupported": True, "includeGlobalResourceTypes": True}
        else:
            group_def = {"allSupported": False, "includeGlobalResourceTypes": False,
                         "resourceTypes": ["AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::EC2::Volume"]}
        cfg.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": role,
                                                              "recordingGroup": group_def})
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "nbch-config-history"})
        recording = region == "eu-west-2"
        if recording:
            cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        facts["regions"][region]["config_recorder"] = {"name": "default", "recording": recording,
                                                        "all_supported": group_def["allSupported"]}

    # ---- CloudTrail: multi-region logging trail, and a stopped legacy one in eu-west-1
    org = a.client("cloudtrail", "eu-west-2").create_trail(
        Name="nbch-organisation-trail", S3BucketName="nbch-cloudtrail-logs", IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True, EnableLogFileValidation=True)
    a.client("cloudtrail", "eu-west-2").start_logging(Name="nbch-organisation-trail")
    legacy = a.client("cloudtrail", "eu-west-1").create_trail(
        Name="nbch-dr-legacy-trail", S3BucketName="nbch-cloudtrail-logs", IsMultiRegionTrail=False,
        EnableLogFileValidation=False)
    ct1 = a.client("cloudtrail", "eu-west-1")
    ct1.start_logging(Name="nbch-dr-legacy-trail")
    ct1.stop_logging(Name="nbch-dr-legacy-trail")
    account_wide["trails"] = {
        "nbch-organisation-trail": {"arn": org["TrailARN"], "home_region": "eu-west-2",
                                    "multi_region": True, "logging": True, "log_file_validation": True},
        "nbch-dr-legacy-trail": {"arn": legacy["TrailARN"], "home_region": "eu-west-1",
                                 "multi_region": False, "logging": False, "log_file_validation": False},
    }
    facts["regions"]["eu-west-2"]["trails"] = ["nbch-organisation-trail"]
    facts["regions"]["eu-west-1"]["trails"] = ["nbch-organisation-trail", "nbch-dr-legacy-trail"]

    # ---- Security Hub and Inspector: eu-west-2 only
    a.client("securityhub", "eu-west-2").enable_security_hub(EnableDefaultStandards=False)
    a.hub_standards["eu-west-2"] = ["aws-foundational-security-best-practices/v/1.0.0",
                                    "cis-aws-foundations-benchmark/v/3.0.0"]
    a.client("inspector2", "eu-west-2").enable(accountIds=[ACCOUNT],
                                               resourceTypes=["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"])
    for region in a.regions:
        on = region == "eu-west-2"
        facts["regions"][region]["security_hub"] = on
        facts["regions"][region]["security_hub_standards"] = a.hub_standards.get(region, [])
        facts["regions"][region]["inspector"] = on

    # ---- Audit Manager: one assessment with evidence
    a.assessments = build_assessment(a)
    facts.update(account_wide)
    return facts


SAMPLE_ASSESSMENT_ID = "a1f3c5e7-2b4d-4f60-8a1c-3e5f7a9b0c2d"


def build_assessment(account):
    aid = SAMPLE_ASSESSMENT_ID
    when = account.started - timedelta(hours=6)
    folders = []
    spec = [
        ("Access control", "1.10 Ensure MFA is enabled for all IAM users that have a console password",
         "AWS Config", [
             ("Compliance check", "iam.amazonaws.com", "ListUsers", "FAILED",
              f"arn:aws:iam::{ACCOUNT}:user/r.patel", {"mfaActive": "false", "passwordEnabled": "true"}),
             ("Compliance check", "iam.amazonaws.com", "ListUsers", "PASSED",
              f"arn:aws:iam::{ACCOUNT}:user/j.okafor", {"mfaActive": "true", "passwordEnabled": "true"}),
         ]),
        ("Logging and monitoring", "3.1 Ensure CloudTrail is enabled in all regions",
         "AWS API calls", [
             ("Configuration data", "cloudtrail.amazonaws.com", "DescribeTrails", None,
              f"arn:aws:cloudtrail:eu-west-2:{ACCOUNT}:trail/nbch-organisation-trail",
              {"isMultiRegionTrail": "true", "isLogging": "true"}),
         ]),
        ("Incident response", "Incident response plan reviewed annually", "Manual", [
            ("Manual", None, None, None, None,
             {"textResponse": "Plan reviewed by the SIRO on 2026-10-14"}),
        ]),
    ]
    for n, (control_set, control, source, items) in enumerate(spec):
        fid = stable_uuid(f"{aid}/folder/{n}")
        cid = stable_uuid(f"{aid}/control/{n}")
        evidence = []
        for m, (kind, event_source, event_name, check, arn, attrs) in enumerate(items):
            ev = {
                "dataSource": source,
                "evidenceAwsAccountId": ACCOUNT,
                "time": epoch(when + timedelta(minutes=m)),
                "evidenceByType": kind,
                "resourcesIncluded": [],
                "attributes": attrs,
                "iamId": f"arn:aws:iam::{ACCOUNT}:role/AuditManagerCollector",
                "awsAccountId": ACCOUNT,
                "evidenceFolderId": fid,
                "id": stable_uuid(f"{aid}/folder/{n}/evidence/{m}"),
                "assessmentReportSelection": "No",
            }
            if event_source:
                ev["eventSource"] = event_source
                ev["eventName"] = event_name
            if arn:
                ev["resourcesIncluded"] = [{"arn": arn, "value": json.dumps(attrs, sort_keys=True)}]
                if check:
                    ev["resourcesIncluded"][0]["complianceCheck"] = check
            if check:
                ev["complianceCheck"] = check
            evidence.append(ev)
        folder = {
            "name": when.strftime("%Y-%m-%d"),
            "date": epoch(when),
            "assessmentId": aid,
            "controlSetId": control_set,
            "controlId": cid,
            "id": fid,
            "dataSource": source,
            "author": "AWS Audit Manager" if source != "Manual" else f"arn:aws:iam::{ACCOUNT}:user/j.okafor",
            "totalEvidence": len(evidence),
            "assessmentReportSelectionCount": 0,
            "controlName": control,
            "evidenceResourcesIncludedCount": sum(len(e["resourcesIncluded"]) for e in evidence),
            "evidenceByTypeConfigurationDataCount": sum(e["evidenceByType"] == "Configuration data" for e in evidence),
            "evidenceByTypeManualCount": sum(e["evidenceByType"] == "Manual" for e in evidence),
            "evidenceByTypeComplianceCheckCount": sum(e["evidenceByType"] == "Compliance check" for e in evidence),
            "evidenceByTypeComplianceCheckIssuesCount": sum(e.get("complianceCheck") == "FAILED" for e in evidence),
            "evidenceByTypeUserActivityCount": 0,
            "evidenceAwsServiceSourceCount": len({e.get("eventSource") for e in evidence if e.get("eventSource")}),
        }
        folders.append({"folder": folder, "evidence": evidence})
    return {aid: folders}


# Calls that fail by design in each scenario (region None: in every region),
# as the error code the caller sees.
EXPECTED_ERRORS = {
    "sample": [
        {"service": "ssm", "operation": "DescribeInstanceInformation", "region": "eu-west-1",
         "code": "AccessDeniedException"},
        {"service": "securityhub", "operation": "DescribeHub", "region": "eu-west-1",
         "code": "InvalidAccessException"},
        {"service": "securityhub", "operation": "GetEnabledStandards", "region": "eu-west-1",
         "code": "InvalidAccessException"},
    ],
    "empty": [
        {"service": "iam", "operation": "GetAccountPasswordPolicy", "region": None, "code": "NoSuchEntity"},
        {"service": "s3control", "operation": "GetPublicAccessBlock", "region": None,
         "code": "NoSuchPublicAccessBlockConfiguration"},
        {"service": "securityhub", "operation": "DescribeHub", "region": None,
         "code": "InvalidAccessException"},
        {"service": "securityhub", "operation": "GetEnabledStandards", "region": None,
         "code": "InvalidAccessException"},
    ],
}

SCENARIO_FAULTS = {
    "sample": [
        {"service": "ssm", "operation": "DescribeInstanceInformation", "region": "eu-west-1",
         "error": "AccessDeniedException"},
    ],
    "empty": [],
}


def seed(account, scenario):
    if scenario == "empty":
        account.regions = []
        facts = {"regions": {}}
    else:
        facts = seed_sample(account)
    account.trusted_advisor = compute_trusted_advisor(account)
    facts["trusted_advisor"] = {cid: r["status"] for cid, r in sorted(account.trusted_advisor.items())}
    facts["artifact"] = {"reports": [
        {"id": r["id"], "name": r["name"], "version": r["version"], "period_end": r["periodEnd"],
         "term_token": term_token(r["id"], r["version"]),
         "download_path": f"/artifact-download/{r['id']}",
         "download_sha256": hashlib.sha256(artifact_document(r["id"])).hexdigest()}
        for r in ARTIFACT_REPORTS]}
    facts["auditmanager"] = {
        "assessments": {aid: [{"id": f["folder"]["id"], "control_set_id": f["folder"]["controlSetId"],
                               "evidence_ids": [e["id"] for e in f["evidence"]]} for f in folders]
                        for aid, folders in account.assessments.items()},
    }
    return facts


# ---------------------------------------------------------------- front server


class Request:
    def __init__(self, method, target, headers, body):
        self.method = method
        self.headers = headers
        self.body = body
        if re.match(r"^https?://", target, re.I):
            parts = urllib.parse.urlsplit(target)
            self.host = parts.netloc
            self.path = parts.path or "/"
            self.raw_query = parts.query
        else:
            path, _, query = target.partition("?")
            self.host = headers.get("Host", "")
            self.path = path or "/"
            self.raw_query = query
        self.service = None
        self.region = None
        self.operation = None

    @property
    def forward_target(self):
        return self.path + ("?" + self.raw_query if self.raw_query else "")

    def query(self):
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.raw_query, keep_blank_values=True).items()}

    def form(self):
        ctype = self.headers.get("Content-Type", "")
        values = dict(self.query())
        if self.body and "x-www-form-urlencoded" in ctype:
            values.update({k: v[0] for k, v in urllib.parse.parse_qs(self.body.decode("utf-8", "replace"),
                                                                      keep_blank_values=True).items()})
        return values

    def json_body(self):
        if not self.body:
            return {}
        try:
            value = json.loads(self.body)
        except ValueError:
            raise ApiError("SerializationException", "The request body is not valid JSON.") from None
        return value if isinstance(value, dict) else {}


class Emulator:
    def __init__(self, account, models, faults):
        self.account = account
        self.models = models
        self.faults = faults
        self.handlers = Handlers(account)
        self.calls = {}
        self.injected = {}
        self.lock = threading.Lock()
        moto = urllib.parse.urlsplit(account.moto_endpoint)
        self.moto_host, self.moto_port = moto.hostname, moto.port

    def identify(self, req):
        auth = req.headers.get("Authorization", "")
        m = re.search(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request", auth)
        if m:
            req.region, service = m.group(3), m.group(4).lower()
        else:
            service = None
        if service == "s3" and req.path.startswith("/v20180820/"):
            service = "s3control"
        req.service = service
        if service is None:
            return
        target = req.headers.get("X-Amz-Target")
        protocol = PROTOCOLS.get(service)
        if target:
            req.operation = target.rsplit(".", 1)[-1]
        elif protocol in ("ec2", "query") or (protocol is None and "Action=" in (req.raw_query + req.body.decode("latin-1"))):
            req.operation = req.form().get("Action")
        elif protocol in ("rest-json", "rest-xml"):
            try:
                req.operation = self.models.rest_operation(service, req.method, req.path)
            except Exception:
                req.operation = None
        req.operation = req.operation or f"{req.method} {req.path}"

    def count(self, req, injected=False):
        key = (req.service, req.operation, req.region)
        with self.lock:
            self.calls[key] = self.calls.get(key, 0) + 1
            if injected:
                self.injected[key] = self.injected.get(key, 0) + 1

    def calls_report(self):
        with self.lock:
            rows = [
                {"service": s, "operation": o, "region": r, "count": n,
                 "injected_faults": self.injected.get((s, o, r), 0)}
                for (s, o, r), n in self.calls.items()
            ]
        rows.sort(key=lambda x: (x["service"] or "", x["operation"] or "", x["region"] or ""))
        return {"calls": rows, "total": sum(r["count"] for r in rows)}

    def reset_calls(self):
        with self.lock:
            self.calls.clear()
            self.injected.clear()

    def handle(self, req):
        """(status, headers, body) for one request."""
        if req.path.startswith("/emulator/"):
            return self.control(req)
        if req.path.startswith("/artifact-download/") and req.method in ("GET", "HEAD"):
            req.service, req.operation, req.region = "artifact", "DocumentDownload", None
            self.count(req)
            parts = req.path[len("/artifact-download/"):].strip("/").split("/")
            kind = "terms" if len(parts) == 2 and parts[1] == "terms" else "report"
            doc = artifact_document(parts[0], kind) if len(parts) <= 2 else None
            if doc is None:
                return 404, {"Content-Type": "text/plain"}, b"no such document\n"
            return 200, {"Content-Type": "application/pdf",
                         "Content-Disposition": f'attachment; filename="{parts[0]}.pdf"'}, doc
        self.identify(req)
        if req.service is None:
            self.count(req)
            return 400, {"Content-Type": "text/plain"}, \
                b"aws-emulator: request is not SigV4-signed; cannot tell the service\n"
        for rule in self.faults.take(req.service, req.operation, req.region):
            if rule.get("delay_ms"):
                time.sleep(rule["delay_ms"] / 1000.0)
            if "error" in rule or "status" in rule:
                self.count(req, injected=True)
                code, message, status = self.faults.error_for(rule, req.service, req.operation, req.region)
                log.info("fault: %s %s %s -> %s %s", req.service, req.operation, req.region, status, code)
                return error_response(req.service, code, message, status)
        self.count(req)
        handler = self.handlers.dispatch(req.service, req.operation) \
            if (req.service, req.operation) in OWN_OPERATIONS else None
        if handler is not None:
            try:
                return handler(req)
            except ApiError as e:
                status = e.status
                return error_response(req.service, e.code, e.message, status, e.extra)
        if req.service in NO_MOTO_BACKEND:
            return error_response(req.service, "NotImplementedByEmulator",
                                  f"The emulator does not answer {req.service} {req.operation}.", 501)
        return self.forward(req)

    def forward(self, req):
        conn = http.client.HTTPConnection(self.moto_host, self.moto_port, timeout=120)
        try:
            headers = {k: v for k, v in req.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(req.body))
            conn.request(req.method, req.forward_target, body=req.body, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            out = {}
            for k, v in resp.getheaders():
                if k.lower() in HOP_BY_HOP or k.lower() in ("date", "server"):
                    continue
                out[k] = v
            return resp.status, out, body
        finally:
            conn.close()

    def control(self, req):
        def js(obj, status=200):
            return status, {"Content-Type": "application/json"}, (json.dumps(obj, indent=2) + "\n").encode()

        if req.path == "/emulator/calls":
            if req.method == "GET":
                return js(self.calls_report())
            if req.method == "DELETE":
                self.reset_calls()
                return js({"reset": True})
        if req.path == "/emulator/faults":
            if req.method == "GET":
                return js({"rules": self.faults.describe()})
            if req.method == "PUT":
                try:
                    rules = parse_rules(json.loads(req.body or b"[]"), "PUT /emulator/faults")
                except (ValueError, FaultError) as e:
                    return js({"error": str(e)}, 400)
                self.faults.replace(rules)
                return js({"rules": self.faults.describe()})
        if req.path == "/emulator/seed" and req.method == "GET":
            return js(self.account.facts)
        if req.path == "/emulator/health" and req.method == "GET":
            return js({"ok": True})
        return js({"error": f"no such emulator endpoint: {req.method} {req.path}"}, 404)


def make_handler(emulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "auditpack-aws-emulator"
        sys_version = ""

        def log_message(self, fmt, *args):
            log.debug("%s %s", self.address_string(), fmt % args)

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                data = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def serve(self):
            try:
                body = self.read_body()
                req = Request(self.command, self.path, self.headers, body)
                try:
                    status, headers, payload = emulator.handle(req)
                except Exception:
                    log.error("error handling %s %s:\n%s", self.command, self.path, traceback.format_exc())
                    status, headers, payload = error_response(req.service or "unknown", "InternalFailure",
                                                              "The emulator failed on this request.", 500)
                log.info("%s %s %s %s -> %d", req.service, req.operation, req.region, req.path, status)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = serve

        def do_CONNECT(self):
            self.send_error(405, "CONNECT is not supported: use http:// endpoints")

    return Handler


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# ---------------------------------------------------------------- main


def write_json_atomically(path, obj):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".seed-", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=2, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def pin_trail_delivery_times():
    """moto stamps a logging trail's latest delivery with the time of asking.
    Real CloudTrail reports when logs were last delivered, which does not move
    between two collections a few seconds apart; pin it to when logging
    started, so that the export script and live collection see the same."""
    from moto.cloudtrail import models

    original = models.TrailStatus.description

    def description(self):
        logging, self.is_logging = self.is_logging, False  # skips the refresh
        try:
            desc = original(self)
        finally:
            self.is_logging = logging
        desc["IsLogging"] = logging
        return desc

    models.TrailStatus.description = description


def date_credential_reports(when):
    """moto dates every credential report 2015-02-02. AWS dates it when it
    was generated, and auditpack measures the account's ages to that time;
    date it when the emulator started, as if generated then."""
    from moto.iam import responses

    original = responses.IamResponse.get_credential_report

    def get_credential_report(self):
        result = original(self)
        result.result["GeneratedTime"] = iso_z(when)
        return result

    responses.IamResponse.get_credential_report = get_credential_report


def main(argv=None):
    parser = argparse.ArgumentParser(description="Scripted AWS account (moto plus a front server) on 127.0.0.1.")
    parser.add_argument("--scenario", choices=["sample", "empty"], default="sample",
                        help="what to seed (default: sample)")
    parser.add_argument("--faults", metavar="FILE", help="JSON list of fault rules")
    parser.add_argument("--no-scenario-faults", action="store_true",
                        help="leave out the scenario's own denied calls")
    parser.add_argument("--seed-out", metavar="FILE", help="write the seeded facts here (JSON)")
    parser.add_argument("--random-seed", type=int, default=14, metavar="N",
                        help="seed for moto's resource IDs (default: 14): the same IDs every run")
    parser.add_argument("--port", type=int, default=0, help="front server port (default: a free one)")
    parser.add_argument("--log", metavar="FILE", help="write the log here instead of stderr")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="do not exit when stdin reaches EOF (for running by hand)")
    args = parser.parse_args(argv)

    handler = logging.FileHandler(args.log) if args.log else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler])
    log.setLevel(logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    # Our own boto3 clients must reach moto directly, whatever the caller's environment.
    for var in list(os.environ):
        if var.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy") or \
                var.startswith("AWS_ENDPOINT_URL") or var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            del os.environ[var]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

    models = Models()
    faults = Faults(models)
    try:
        if args.faults:
            try:
                with open(args.faults) as f:
                    data = json.load(f)
            except OSError as e:
                raise FaultError(f"{args.faults}: cannot read it: {e.strerror}") from None
            except ValueError as e:
                raise FaultError(f"{args.faults}: not valid JSON: {e}") from None
            faults.replace(parse_rules(data, args.faults))
        if not args.no_scenario_faults:
            faults.replace(parse_rules(SCENARIO_FAULTS[args.scenario], f"scenario {args.scenario}"),
                           scenario=True)
    except FaultError as e:
        print(f"aws_emulator: {e}", file=sys.stderr)
        return 2

    from moto.server import ThreadedMotoServer

    pin_trail_delivery_times()
    moto_port = free_port()
    moto = ThreadedMotoServer(ip_address=LOCALHOST, port=moto_port, verbose=False)
    moto.start()
    stop = threading.Event()
    front = None
    serving = False
    try:
        started = datetime.now(timezone.utc).replace(microsecond=0)
        date_credential_reports(started)
        account = Account(f"http://{LOCALHOST}:{moto_port}", args.scenario, started)
        # Seed moto's random IDs, so that a scenario gets the same IDs every run.
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            urllib.request.Request(f"{account.moto_endpoint}/moto-api/seed?a={args.random_seed}",
                                   method="POST", data=b""), timeout=30).read()
        front = FrontServer((LOCALHOST, args.port), None)
        port = front.server_address[1]
        account.front = f"http://{LOCALHOST}:{port}"
        try:
            facts = seed(account, args.scenario)
        except Exception:
            print("aws_emulator: seeding moto failed:\n" + traceback.format_exc(), file=sys.stderr)
            return 1
        facts.update({
            "scenario": args.scenario,
            "account": ACCOUNT,
            "caller_arn": CALLER_ARN,
            "endpoint": account.front,
            "started": iso_z(started),
            "scenario_faults": [] if args.no_scenario_faults else SCENARIO_FAULTS[args.scenario],
            "expected_errors": [e for e in EXPECTED_ERRORS[args.scenario]
                                if not (args.no_scenario_faults and e["code"] == "AccessDeniedException")],
            "random_seed": args.random_seed,
        })
        account.facts = facts
        if args.seed_out:
            write_json_atomically(args.seed_out, facts)
        emulator = Emulator(account, models, faults)
        front.RequestHandlerClass = make_handler(emulator)
        threading.Thread(target=front.serve_forever, name="front", daemon=True).start()
        serving = True

        def on_signal(signum, _frame):
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        if not args.ignore_stdin:
            def watch_stdin():
                try:
                    while sys.stdin.buffer.read(4096):
                        pass
                except (OSError, ValueError):
                    pass
                stop.set()
            threading.Thread(target=watch_stdin, name="stdin", daemon=True).start()

        sys.stdout.write(f"ready {account.front}\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
        return 0
    finally:
        if front is not None:
            if serving:
                front.shutdown()
            front.server_close()
        moto.stop()


if __name__ == "__main__":
    sys.exit(main())
