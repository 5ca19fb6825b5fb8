#!/usr/bin/env python3
"""Capture real HTTP responses from moto for the differential parse test.

Writes ``tests/data/wire_parse_moto.jsonl``: one JSON object per line,

    {"service": <model dir name>, "operation": <PascalCase name>,
     "status": <int>, "headers": {<lower-case name>: <value>},
     "body": <utf-8 text> | "body_b64": <base64>, "params": <request input>}

which is exactly the request ``tests/wire_parse.rs`` sends to both
``wire::parse::parse_command`` and the botocore oracle's ``parse`` command
(the test adds ``cmd`` and ``checksums``). ``params`` is the input the call
was made with, so botocore's customizations (S3 key decoding, SQS MD5 checks,
...) see what they would see in a real call.

How: boto3/botocore 1.37.23 (the moto venv) against ``MOTO_ENDPOINT`` with
dummy credentials in us-east-1 and no retries. Two botocore event hooks:
``provide-client-params`` records a copy of the call's input and
``before-parse`` records the raw response (status, headers, body bytes) just
before botocore parses it, success or error alike. The scenario below creates
resources first (buckets, objects, tables, queues, users, instances, ...) so
that Describe/List/Get calls return non-trivial bodies, and provokes modeled
and unmodeled errors.

Determinism: fixed inputs, moto's random generator seeded
(``/moto-api/seed``), volatile headers (Date, Server, Connection, ...)
dropped, lines sorted by service, operation and call order. Timestamps and a
few ids moto makes from the clock or ``uuid4`` still change between runs.
Bodies over 20 KB and moto's own HTML error pages (a crash or an
unimplemented route in moto, not an AWS response) are not written (a note
goes to stderr).

Regenerate (setup, start, capture, stop) with the one command

    scripts/capture-moto-fixtures.sh

or by hand, from the project root, with moto running:

    MOTO_ENDPOINT=http://127.0.0.1:PORT .moto-venv/bin/python tests/data/capture_moto.py [OUT]
"""

import base64
import copy
import datetime
import json
import os
import sys
import urllib.request
import zipfile
import io

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

ENDPOINT = os.environ.get("MOTO_ENDPOINT")
if not ENDPOINT:
    sys.exit("capture_moto.py: MOTO_ENDPOINT is not set (start moto first)")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "wire_parse_moto.jsonl")
MAX_BODY = 20 * 1024
REGION = "us-east-1"
ACCOUNT = "123456789012"

# boto3 client name -> model directory name (models/aws/<dir>).
MODEL_DIR = {
    "logs": "cloudwatch-logs",
    "secretsmanager": "secrets-manager",
    "apigateway": "api-gateway",
    "route53": "route-53",
}
# Response headers that are hop-by-hop, change on every run, or are moto's CORS
# decoration, and that no output member binds.
DROP_HEADERS = {"date", "server", "connection", "keep-alive", "transfer-encoding", "access-control-allow-origin"}

records = []
skipped = []
_pending = {}


def jsonable(v):
    """The request input as JSON botocore accepts back (blobs as text)."""
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        try:
            return bytes(v).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(v)).decode()
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if hasattr(v, "read"):
        return jsonable(v.read())
    return v


def on_params(params, model, **kwargs):
    _pending["params"] = jsonable(copy.deepcopy(params))


def on_before_parse(operation_model, response_dict, **kwargs):
    body = response_dict["body"]
    if not isinstance(body, (bytes, bytearray)):
        # Streaming output: read it, and give botocore a fresh stream.
        data = body.read()
        response_dict["body"] = StreamingBody(io.BytesIO(data), len(data))
        body = data
    body = bytes(body)
    svc = operation_model.service_model.service_name
    svc = MODEL_DIR.get(svc, svc)
    op = operation_model.name
    if len(body) > MAX_BODY:
        skipped.append(f"{svc} {op}: body of {len(body)} bytes")
        return
    if body[:15].lower() == b"<!doctype html>":
        # moto's own Flask error page (a crash or an unimplemented route), not an AWS response.
        skipped.append(f"{svc} {op}: moto error page (HTTP {response_dict['status_code']})")
        return
    headers = {}
    for k, v in response_dict["headers"].items():
        k = k.lower()
        if k in DROP_HEADERS:
            continue
        headers[k] = v
    rec = {
        "service": svc,
        "operation": op,
        "status": response_dict["status_code"],
        "headers": dict(sorted(headers.items())),
    }
    try:
        rec["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        rec["body_b64"] = base64.b64encode(body).decode()
    rec["params"] = _pending.pop("params", {})
    rec["_seq"] = len(records)
    records.append(rec)


CONFIG = Config(
    region_name=REGION,
    retries={"total_max_attempts": 1},
    s3={"addressing_style": "path"},
)
SESSION = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
)
_clients = {}


def client(name):
    if name not in _clients:
        c = SESSION.client(name, endpoint_url=ENDPOINT, config=CONFIG)
        c.meta.events.register("provide-client-params.*.*", on_params)
        c.meta.events.register("before-parse.*.*", on_before_parse)
        _clients[name] = c
    return _clients[name]


calls = {"ok": 0, "error": 0, "failed": 0}


def call(svc, op, **params):
    """Calls svc.op(**params); returns the parsed result, or None on an error."""
    c = client(svc)
    try:
        r = getattr(c, op)(**params)
        calls["ok"] += 1
        return r
    except ClientError as e:
        calls["error"] += 1
        print(f"  {svc}.{op}: {e.response['Error'].get('Code')}", file=sys.stderr)
        return None
    except Exception as e:  # moto quirks: keep going
        calls["failed"] += 1
        print(f"  {svc}.{op}: FAILED {type(e).__name__}: {e}", file=sys.stderr)
        return None


def moto_api(path):
    req = urllib.request.Request(ENDPOINT + path, data=b"", method="POST")
    urllib.request.urlopen(req).read()


# ------------------------------------------------------------------ scenario

ASSUME_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}],
    }
)


def iam():
    call("iam", "create_user", UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "eng"}])
    call("iam", "create_user", UserName="bob")
    call("iam", "create_user", UserName="alice")  # EntityAlreadyExists
    call("iam", "get_user", UserName="alice")
    call("iam", "get_user", UserName="nobody")  # NoSuchEntity
    call("iam", "list_users")
    call("iam", "list_users", PathPrefix="/eng/")
    call("iam", "tag_user", UserName="bob", Tags=[{"Key": "k", "Value": "v w"}, {"Key": "empty", "Value": ""}])
    call("iam", "list_user_tags", UserName="bob")
    call("iam", "create_group", GroupName="devs")
    call("iam", "add_user_to_group", GroupName="devs", UserName="alice")
    call("iam", "get_group", GroupName="devs")
    call("iam", "list_groups_for_user", UserName="alice")
    call("iam", "list_groups")
    call("iam", "create_role", RoleName="lambda-role", AssumeRolePolicyDocument=ASSUME_LAMBDA,
         Description="runs functions", MaxSessionDuration=7200)
    call("iam", "create_role", RoleName="lambda-role", AssumeRolePolicyDocument=ASSUME_LAMBDA)
    call("iam", "get_role", RoleName="lambda-role")
    call("iam", "list_roles")
    call("iam", "put_role_policy", RoleName="lambda-role", PolicyName="inline", PolicyDocument=POLICY)
    call("iam", "get_role_policy", RoleName="lambda-role", PolicyName="inline")
    call("iam", "list_role_policies", RoleName="lambda-role")
    p = call("iam", "create_policy", PolicyName="read-s3", PolicyDocument=POLICY, Description="read")
    arn = p["Policy"]["Arn"] if p else f"arn:aws:iam::{ACCOUNT}:policy/read-s3"
    call("iam", "create_policy", PolicyName="bad", PolicyDocument="{not json")  # MalformedPolicyDocument
    call("iam", "get_policy", PolicyArn=arn)
    call("iam", "get_policy_version", PolicyArn=arn, VersionId="v1")
    call("iam", "create_policy_version", PolicyArn=arn, PolicyDocument=POLICY, SetAsDefault=True)
    call("iam", "list_policy_versions", PolicyArn=arn)
    call("iam", "attach_role_policy", RoleName="lambda-role", PolicyArn=arn)
    call("iam", "list_attached_role_policies", RoleName="lambda-role")
    call("iam", "list_policies", Scope="Local")
    call("iam", "create_access_key", UserName="bob")
    call("iam", "list_access_keys", UserName="bob")
    call("iam", "create_login_profile", UserName="bob", Password="Secr3t!pass")
    call("iam", "get_login_profile", UserName="bob")
    call("iam", "create_instance_profile", InstanceProfileName="web")
    call("iam", "add_role_to_instance_profile", InstanceProfileName="web", RoleName="lambda-role")
    call("iam", "get_instance_profile", InstanceProfileName="web")
    call("iam", "list_instance_profiles_for_role", RoleName="lambda-role")
    call("iam", "update_assume_role_policy", RoleName="lambda-role", PolicyDocument=ASSUME_LAMBDA)
    call("iam", "get_account_summary")
    call("iam", "create_account_alias", AccountAlias="moto-fixtures")
    call("iam", "list_account_aliases")
    call("iam", "delete_user", UserName="nobody")  # NoSuchEntity
    call("iam", "remove_user_from_group", GroupName="devs", UserName="alice")
    call("iam", "delete_group", GroupName="devs")


def sts():
    call("sts", "get_caller_identity")
    call("sts", "assume_role", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/lambda-role", RoleSessionName="s1",
         DurationSeconds=900)
    call("sts", "assume_role", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/lambda-role", RoleSessionName="s2",
         Tags=[{"Key": "project", "Value": "x"}], ExternalId="ext-1")
    call("sts", "get_session_token", DurationSeconds=900)
    call("sts", "get_federation_token", Name="fed-user", Policy=POLICY)
    call("sts", "assume_role_with_web_identity", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/lambda-role",
         RoleSessionName="web", WebIdentityToken="not-a-jwt")
    call("sts", "assume_role", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/lambda-role", RoleSessionName="s3",
         Policy="x" * 2100)  # PackedPolicyTooLarge (or similar)
    call("sts", "get_federation_token", Name="fed-with-arns", PolicyArns=[
        {"arn": f"arn:aws:iam::{ACCOUNT}:policy/read-s3"}], DurationSeconds=3600)
    call("sts", "get_federation_token", Name="x" * 40)  # ValidationError (name too long)
    call("sts", "assume_role", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/lambda-role", RoleSessionName="s4",
         DurationSeconds=43201)  # ValidationError
    call("sts", "get_session_token", DurationSeconds=3600, SerialNumber="arn:aws:iam::123456789012:mfa/alice",
         TokenCode="123456")


def sns():
    t = call("sns", "create_topic", Name="events", Attributes={"DisplayName": "Events"},
             Tags=[{"Key": "env", "Value": "test"}])
    arn = t["TopicArn"] if t else f"arn:aws:sns:{REGION}:{ACCOUNT}:events"
    f = call("sns", "create_topic", Name="orders.fifo", Attributes={"FifoTopic": "true"})
    call("sns", "list_topics")
    call("sns", "get_topic_attributes", TopicArn=arn)
    call("sns", "get_topic_attributes", TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:missing")  # NotFound
    call("sns", "set_topic_attributes", TopicArn=arn, AttributeName="DisplayName", AttributeValue="E2")
    s = call("sns", "subscribe", TopicArn=arn, Protocol="sqs",
             Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", ReturnSubscriptionArn=True)
    call("sns", "subscribe", TopicArn=arn, Protocol="email", Endpoint="someone@example.com")
    call("sns", "list_subscriptions")
    call("sns", "list_subscriptions_by_topic", TopicArn=arn)
    if s:
        call("sns", "get_subscription_attributes", SubscriptionArn=s["SubscriptionArn"])
        call("sns", "set_subscription_attributes", SubscriptionArn=s["SubscriptionArn"],
             AttributeName="RawMessageDelivery", AttributeValue="true")
    call("sns", "publish", TopicArn=arn, Message="hello <world> & more", Subject="greeting",
         MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}})
    call("sns", "publish", TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:missing", Message="x")  # NotFound
    call("sns", "publish", TopicArn=arn, Message="")  # InvalidParameter
    call("sns", "publish_batch", TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "one"}, {"Id": "b", "Message": "two"}])
    call("sns", "tag_resource", ResourceArn=arn, Tags=[{"Key": "owner", "Value": "me"}])
    call("sns", "list_tags_for_resource", ResourceArn=arn)
    call("sns", "create_platform_application", Name="app", Platform="GCM",
         Attributes={"PlatformCredential": "key"})
    call("sns", "list_platform_applications")
    call("sns", "check_if_phone_number_is_opted_out", phoneNumber="+15555550100")
    call("sns", "list_phone_numbers_opted_out")
    if s:
        call("sns", "unsubscribe", SubscriptionArn=s["SubscriptionArn"])
    if f:
        call("sns", "delete_topic", TopicArn=f["TopicArn"])


def sqs():
    q = call("sqs", "create_queue", QueueName="jobs", Attributes={"VisibilityTimeout": "45"},
             tags={"team": "eng"})
    url = q["QueueUrl"] if q else f"{ENDPOINT}/{ACCOUNT}/jobs"
    fq = call("sqs", "create_queue", QueueName="jobs.fifo",
              Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})
    call("sqs", "get_queue_url", QueueName="jobs")
    call("sqs", "get_queue_url", QueueName="missing")  # QueueDoesNotExist
    call("sqs", "list_queues")
    call("sqs", "list_queues", QueueNamePrefix="jobs", MaxResults=1)
    call("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"])
    call("sqs", "set_queue_attributes", QueueUrl=url, Attributes={"DelaySeconds": "0"})
    call("sqs", "send_message", QueueUrl=url, MessageBody="hello <sqs> & é",
         MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"},
                            "n": {"DataType": "Number", "StringValue": "42"}})
    call("sqs", "send_message", QueueUrl=url, MessageBody="second")
    call("sqs", "send_message_batch", QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "batch one"}, {"Id": "b", "MessageBody": "batch two"}])
    call("sqs", "send_message", QueueUrl=f"{ENDPOINT}/{ACCOUNT}/missing", MessageBody="x")
    if fq:
        call("sqs", "send_message", QueueUrl=fq["QueueUrl"], MessageBody="fifo", MessageGroupId="g1")
        call("sqs", "send_message", QueueUrl=fq["QueueUrl"], MessageBody="no group")  # MissingParameter
    r = call("sqs", "receive_message", QueueUrl=url, MaxNumberOfMessages=10,
             MessageAttributeNames=["All"], AttributeNames=["All"], VisibilityTimeout=30)
    msgs = (r or {}).get("Messages", [])
    if msgs:
        call("sqs", "change_message_visibility", QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"],
             VisibilityTimeout=60)
        call("sqs", "delete_message", QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
        call("sqs", "delete_message_batch", QueueUrl=url, Entries=[
            {"Id": f"m{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs[1:])] +
            [{"Id": "bogus", "ReceiptHandle": "not-a-handle"}])
    call("sqs", "receive_message", QueueUrl=url, WaitTimeSeconds=0)
    call("sqs", "tag_queue", QueueUrl=url, Tags={"env": "test"})
    call("sqs", "list_queue_tags", QueueUrl=url)
    call("sqs", "purge_queue", QueueUrl=url)
    call("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["Bogus"])  # InvalidAttributeName
    if fq:
        call("sqs", "delete_queue", QueueUrl=fq["QueueUrl"])


def dynamodb():
    call("dynamodb", "create_table", TableName="users",
         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    call("dynamodb", "create_table", TableName="events",
         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                               {"AttributeName": "sk", "AttributeType": "N"},
                               {"AttributeName": "kind", "AttributeType": "S"}],
         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
         GlobalSecondaryIndexes=[{"IndexName": "by-kind",
                                  "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                                  "Projection": {"ProjectionType": "ALL"},
                                  "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}],
         ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
         Tags=[{"Key": "env", "Value": "test"}])
    call("dynamodb", "create_table", TableName="users",
         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    call("dynamodb", "describe_table", TableName="events")
    call("dynamodb", "describe_table", TableName="missing")  # ResourceNotFoundException
    call("dynamodb", "list_tables")
    call("dynamodb", "put_item", TableName="users", Item={
        "id": {"S": "u1"}, "age": {"N": "42"}, "score": {"N": "3.25"}, "blob": {"B": b"\x00\x01\xff"},
        "ok": {"BOOL": True}, "none": {"NULL": True}, "tags": {"SS": ["a", "b"]}, "nums": {"NS": ["1", "2.5"]},
        "bins": {"BS": [b"x", b"y"]}, "list": {"L": [{"S": "é中😀"}, {"N": "-1"}]},
        "map": {"M": {"nested": {"M": {"deep": {"S": "yes"}}}}}})
    call("dynamodb", "put_item", TableName="users", Item={"id": {"S": "u2"}, "age": {"N": "7"}})
    call("dynamodb", "put_item", TableName="users", Item={"id": {"S": "u2"}},
         ConditionExpression="attribute_not_exists(id)")  # ConditionalCheckFailedException
    call("dynamodb", "put_item", TableName="users", Item={"id": {"S": "u3"}, "age": {"N": "1"}},
         ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL")
    for i in range(6):
        call("dynamodb", "put_item", TableName="events", Item={
            "pk": {"S": "p1" if i < 4 else "p2"}, "sk": {"N": str(i)}, "kind": {"S": "k%d" % (i % 2)},
            "payload": {"S": "event %d" % i}})
    call("dynamodb", "get_item", TableName="users", Key={"id": {"S": "u1"}})
    call("dynamodb", "get_item", TableName="users", Key={"id": {"S": "zzz"}})
    call("dynamodb", "get_item", TableName="users", Key={"id": {"S": "u2"}}, ConsistentRead=True,
         ReturnConsumedCapacity="TOTAL")
    call("dynamodb", "get_item", TableName="users", Key={"nope": {"S": "u1"}})  # ValidationException
    call("dynamodb", "query", TableName="events", KeyConditionExpression="pk = :p",
         ExpressionAttributeValues={":p": {"S": "p1"}}, ScanIndexForward=False)
    call("dynamodb", "query", TableName="events", KeyConditionExpression="pk = :p AND sk > :s",
         ExpressionAttributeValues={":p": {"S": "p1"}, ":s": {"N": "1"}}, Limit=1)
    call("dynamodb", "query", TableName="events", IndexName="by-kind", KeyConditionExpression="kind = :k",
         ExpressionAttributeValues={":k": {"S": "k1"}})
    page = call("dynamodb", "scan", TableName="events", Limit=4)
    if page and "LastEvaluatedKey" in page:
        call("dynamodb", "scan", TableName="events", Limit=4, ExclusiveStartKey=page["LastEvaluatedKey"])
    call("dynamodb", "scan", TableName="users", Select="COUNT")
    call("dynamodb", "update_item", TableName="users", Key={"id": {"S": "u2"}},
         UpdateExpression="SET age = age + :one, note = :n", ExpressionAttributeValues={
             ":one": {"N": "1"}, ":n": {"S": "updated"}}, ReturnValues="ALL_NEW")
    call("dynamodb", "delete_item", TableName="users", Key={"id": {"S": "u3"}}, ReturnValues="ALL_OLD")
    call("dynamodb", "batch_write_item", RequestItems={"users": [
        {"PutRequest": {"Item": {"id": {"S": "b1"}}}}, {"PutRequest": {"Item": {"id": {"S": "b2"}}}}]})
    call("dynamodb", "batch_get_item", RequestItems={"users": {"Keys": [
        {"id": {"S": "u1"}}, {"id": {"S": "b1"}}, {"id": {"S": "none"}}]}})
    call("dynamodb", "transact_write_items", TransactItems=[
        {"Put": {"TableName": "users", "Item": {"id": {"S": "t1"}}}},
        {"Update": {"TableName": "users", "Key": {"id": {"S": "u2"}}, "UpdateExpression": "SET x = :x",
                    "ExpressionAttributeValues": {":x": {"S": "y"}}}}])
    call("dynamodb", "transact_write_items", TransactItems=[
        {"ConditionCheck": {"TableName": "users", "Key": {"id": {"S": "u2"}},
                            "ConditionExpression": "attribute_not_exists(id)"}}])  # TransactionCanceled
    call("dynamodb", "transact_get_items", TransactItems=[
        {"Get": {"TableName": "users", "Key": {"id": {"S": "u1"}}}},
        {"Get": {"TableName": "users", "Key": {"id": {"S": "t1"}}}}])
    call("dynamodb", "update_time_to_live", TableName="users",
         TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    call("dynamodb", "describe_time_to_live", TableName="users")
    call("dynamodb", "describe_continuous_backups", TableName="users")
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/events"
    call("dynamodb", "tag_resource", ResourceArn=arn, Tags=[{"Key": "owner", "Value": "me"}])
    call("dynamodb", "list_tags_of_resource", ResourceArn=arn)
    call("dynamodb", "create_backup", TableName="users", BackupName="bk1")
    call("dynamodb", "list_backups")
    call("dynamodb", "execute_statement", Statement="SELECT * FROM users WHERE id = 'u2'")
    call("dynamodb", "describe_limits")
    call("dynamodb", "describe_endpoints")
    call("dynamodb", "delete_table", TableName="missing")  # ResourceNotFoundException


def logs():
    call("logs", "create_log_group", logGroupName="/app/web", tags={"env": "test"})
    call("logs", "create_log_group", logGroupName="/app/web")  # ResourceAlreadyExistsException
    call("logs", "create_log_group", logGroupName="/app/worker")
    call("logs", "create_log_stream", logGroupName="/app/web", logStreamName="i-1")
    call("logs", "create_log_stream", logGroupName="/app/missing", logStreamName="i-1")
    call("logs", "put_log_events", logGroupName="/app/web", logStreamName="i-1", logEvents=[
        {"timestamp": 1735689600000 + i * 1000, "message": "line %d: é <tag> & \"q\"" % i} for i in range(4)])
    call("logs", "get_log_events", logGroupName="/app/web", logStreamName="i-1", startFromHead=True)
    call("logs", "get_log_events", logGroupName="/app/web", logStreamName="i-1", limit=2)
    call("logs", "get_log_events", logGroupName="/app/none", logStreamName="x")  # ResourceNotFound
    call("logs", "filter_log_events", logGroupName="/app/web", filterPattern="line")
    call("logs", "describe_log_groups")
    call("logs", "describe_log_groups", logGroupNamePrefix="/app/w", limit=1)
    call("logs", "describe_log_streams", logGroupName="/app/web")
    call("logs", "put_retention_policy", logGroupName="/app/web", retentionInDays=7)
    call("logs", "put_retention_policy", logGroupName="/app/web", retentionInDays=8)  # InvalidParameter
    call("logs", "list_tags_log_group", logGroupName="/app/web")
    call("logs", "tag_resource", resourceArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/worker",
         tags={"k": "v"})
    call("logs", "list_tags_for_resource",
         resourceArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/worker")
    call("logs", "put_metric_filter", logGroupName="/app/web", filterName="errors", filterPattern="ERROR",
         metricTransformations=[{"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}])
    call("logs", "describe_metric_filters", logGroupName="/app/web")
    call("logs", "put_subscription_filter", logGroupName="/app/web", filterName="sub", filterPattern="",
         destinationArn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:missing")
    call("logs", "describe_subscription_filters", logGroupName="/app/web")
    call("logs", "put_resource_policy", policyName="p", policyDocument=POLICY)
    call("logs", "describe_resource_policies")
    call("logs", "start_query", logGroupName="/app/web", startTime=1735689600, endTime=1735693200,
         queryString="fields @message")
    call("logs", "delete_log_stream", logGroupName="/app/web", logStreamName="i-1")
    call("logs", "delete_log_group", logGroupName="/app/worker")
    call("logs", "delete_log_group", logGroupName="/app/worker")  # ResourceNotFound


def kms():
    k = call("kms", "create_key", Description="fixture key", Tags=[{"TagKey": "env", "TagValue": "test"}])
    kid = k["KeyMetadata"]["KeyId"] if k else "missing"
    s = call("kms", "create_key", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Description="signing")
    sid = s["KeyMetadata"]["KeyId"] if s else "missing"
    call("kms", "describe_key", KeyId=kid)
    call("kms", "describe_key", KeyId="00000000-0000-0000-0000-000000000000")  # NotFoundException
    call("kms", "list_keys")
    call("kms", "create_alias", AliasName="alias/fixture", TargetKeyId=kid)
    call("kms", "create_alias", AliasName="alias/fixture", TargetKeyId=kid)  # AlreadyExists
    call("kms", "list_aliases")
    e = call("kms", "encrypt", KeyId="alias/fixture", Plaintext=b"secret text",
             EncryptionContext={"purpose": "test"})
    if e:
        call("kms", "decrypt", CiphertextBlob=e["CiphertextBlob"], EncryptionContext={"purpose": "test"})
    call("kms", "decrypt", CiphertextBlob=b"garbage-ciphertext-garbage")  # InvalidCiphertext
    call("kms", "generate_data_key", KeyId=kid, KeySpec="AES_256")
    call("kms", "generate_data_key_without_plaintext", KeyId=kid, NumberOfBytes=16)
    call("kms", "generate_random", NumberOfBytes=16)
    call("kms", "enable_key_rotation", KeyId=kid)
    call("kms", "get_key_rotation_status", KeyId=kid)
    call("kms", "tag_resource", KeyId=kid, Tags=[{"TagKey": "owner", "TagValue": "me"}])
    call("kms", "list_resource_tags", KeyId=kid)
    call("kms", "get_key_policy", KeyId=kid, PolicyName="default")
    call("kms", "list_key_policies", KeyId=kid)
    call("kms", "get_public_key", KeyId=sid)
    sig = call("kms", "sign", KeyId=sid, Message=b"message", SigningAlgorithm="RSASSA_PSS_SHA_256")
    if sig:
        call("kms", "verify", KeyId=sid, Message=b"message", Signature=sig["Signature"],
             SigningAlgorithm="RSASSA_PSS_SHA_256")
    call("kms", "sign", KeyId=kid, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")  # bad usage
    call("kms", "disable_key", KeyId=kid)
    call("kms", "encrypt", KeyId=kid, Plaintext=b"x")  # DisabledException
    call("kms", "enable_key", KeyId=kid)
    call("kms", "schedule_key_deletion", KeyId=sid, PendingWindowInDays=7)
    call("kms", "cancel_key_deletion", KeyId=sid)


def ssm():
    call("ssm", "put_parameter", Name="/app/db/host", Value="db.local", Type="String",
         Tags=[{"Key": "env", "Value": "test"}])
    call("ssm", "put_parameter", Name="/app/db/ports", Value="5432,5433", Type="StringList")
    call("ssm", "put_parameter", Name="/app/db/password", Value="s3cr3t", Type="SecureString")
    call("ssm", "put_parameter", Name="/app/db/host", Value="x", Type="String")  # ParameterAlreadyExists
    call("ssm", "put_parameter", Name="/app/db/host", Value="db2.local", Type="String", Overwrite=True)
    call("ssm", "get_parameter", Name="/app/db/host")
    call("ssm", "get_parameter", Name="/app/db/password", WithDecryption=True)
    call("ssm", "get_parameter", Name="/app/missing")  # ParameterNotFound
    call("ssm", "get_parameters", Names=["/app/db/host", "/app/db/ports", "/app/nope"])
    call("ssm", "get_parameters_by_path", Path="/app", Recursive=True, WithDecryption=True)
    call("ssm", "get_parameters_by_path", Path="/app/db", MaxResults=1)
    call("ssm", "describe_parameters")
    call("ssm", "describe_parameters", ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}])
    call("ssm", "get_parameter_history", Name="/app/db/host")
    call("ssm", "label_parameter_version", Name="/app/db/host", ParameterVersion=1, Labels=["stable"])
    call("ssm", "add_tags_to_resource", ResourceType="Parameter", ResourceId="/app/db/ports",
         Tags=[{"Key": "k", "Value": "v"}])
    call("ssm", "list_tags_for_resource", ResourceType="Parameter", ResourceId="/app/db/host")
    call("ssm", "delete_parameter", Name="/app/db/ports")
    call("ssm", "delete_parameter", Name="/app/db/ports")  # ParameterNotFound
    call("ssm", "delete_parameters", Names=["/app/db/password", "/app/never"])
    call("ssm", "create_document", Name="fixture-doc", DocumentType="Command", DocumentFormat="JSON",
         Content=json.dumps({"schemaVersion": "2.2", "description": "d", "mainSteps": [
             {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["echo hi"]}}]}))
    call("ssm", "describe_document", Name="fixture-doc")
    call("ssm", "get_document", Name="fixture-doc")
    call("ssm", "list_documents", Filters=[{"Key": "Owner", "Values": ["Self"]}])


def secretsmanager():
    call("secretsmanager", "create_secret", Name="app/db", SecretString='{"user":"u","pass":"p"}',
         Description="db creds", Tags=[{"Key": "env", "Value": "test"}])
    call("secretsmanager", "create_secret", Name="app/bin", SecretBinary=b"\x00\x01\x02binary\xff")
    call("secretsmanager", "create_secret", Name="app/db", SecretString="x")  # ResourceExistsException
    call("secretsmanager", "get_secret_value", SecretId="app/db")
    call("secretsmanager", "get_secret_value", SecretId="app/bin")
    call("secretsmanager", "get_secret_value", SecretId="app/missing")  # ResourceNotFoundException
    call("secretsmanager", "put_secret_value", SecretId="app/db", SecretString='{"user":"u","pass":"p2"}',
         VersionStages=["AWSCURRENT"])
    call("secretsmanager", "describe_secret", SecretId="app/db")
    call("secretsmanager", "list_secrets")
    call("secretsmanager", "list_secrets", Filters=[{"Key": "name", "Values": ["app/b"]}], MaxResults=1)
    call("secretsmanager", "list_secret_version_ids", SecretId="app/db")
    call("secretsmanager", "update_secret", SecretId="app/db", Description="new description")
    call("secretsmanager", "tag_resource", SecretId="app/db", Tags=[{"Key": "owner", "Value": "me"}])
    call("secretsmanager", "untag_resource", SecretId="app/db", TagKeys=["owner"])
    call("secretsmanager", "get_random_password", PasswordLength=24, ExcludePunctuation=True)
    call("secretsmanager", "put_resource_policy", SecretId="app/db", ResourcePolicy=POLICY)
    call("secretsmanager", "get_resource_policy", SecretId="app/db")
    call("secretsmanager", "batch_get_secret_value", SecretIdList=["app/db", "app/bin"])
    call("secretsmanager", "delete_secret", SecretId="app/bin", RecoveryWindowInDays=7)
    call("secretsmanager", "get_secret_value", SecretId="app/bin")  # InvalidRequestException
    call("secretsmanager", "restore_secret", SecretId="app/bin")
    call("secretsmanager", "delete_secret", SecretId="app/bin", ForceDeleteWithoutRecovery=True)
    call("secretsmanager", "delete_secret", SecretId="app/bin", RecoveryWindowInDays=3)  # Invalid window


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("index.py", date_time=(2025, 1, 1, 0, 0, 0))
        z.writestr(info, "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def lambda_():
    role = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
    code = zip_bytes()
    call("lambda", "create_function", FunctionName="echo", Runtime="python3.12", Role=role,
         Handler="index.handler", Code={"ZipFile": code}, Description="echo", Timeout=10, MemorySize=256,
         Environment={"Variables": {"MODE": "test"}}, Tags={"env": "test"})
    call("lambda", "create_function", FunctionName="echo", Runtime="python3.12", Role=role,
         Handler="index.handler", Code={"ZipFile": code})  # ResourceConflictException
    call("lambda", "list_functions")
    call("lambda", "get_function", FunctionName="echo")
    call("lambda", "get_function", FunctionName="missing")  # ResourceNotFoundException
    call("lambda", "get_function_configuration", FunctionName="echo")
    call("lambda", "update_function_configuration", FunctionName="echo", Timeout=20,
         Environment={"Variables": {"MODE": "prod"}})
    call("lambda", "publish_version", FunctionName="echo", Description="v1")
    call("lambda", "list_versions_by_function", FunctionName="echo")
    call("lambda", "create_alias", FunctionName="echo", Name="live", FunctionVersion="1")
    call("lambda", "get_alias", FunctionName="echo", Name="live")
    call("lambda", "list_aliases", FunctionName="echo")
    call("lambda", "add_permission", FunctionName="echo", StatementId="s3-invoke", Action="lambda:InvokeFunction",
         Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::fixture-bucket")
    call("lambda", "get_policy", FunctionName="echo")
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo"
    call("lambda", "tag_resource", Resource=arn, Tags={"owner": "me"})
    call("lambda", "list_tags", Resource=arn)
    call("lambda", "put_function_concurrency", FunctionName="echo", ReservedConcurrentExecutions=5)
    call("lambda", "get_function_concurrency", FunctionName="echo")
    call("lambda", "create_event_source_mapping", FunctionName="echo",
         EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", BatchSize=5)
    call("lambda", "list_event_source_mappings", FunctionName="echo")
    call("lambda", "create_function_url_config", FunctionName="echo", AuthType="NONE")
    call("lambda", "get_function_url_config", FunctionName="echo")
    call("lambda", "publish_layer_version", LayerName="libs", Content={"ZipFile": code},
         CompatibleRuntimes=["python3.12"])
    call("lambda", "list_layers")
    call("lambda", "list_layer_versions", LayerName="libs")
    call("lambda", "delete_function", FunctionName="missing")  # ResourceNotFoundException


def apigateway():
    api = call("apigateway", "create_rest_api", name="fixture-api", description="rest",
               tags={"env": "test"})
    aid = api["id"] if api else "missing"
    res = call("apigateway", "get_resources", restApiId=aid)
    root = res["items"][0]["id"] if res and res.get("items") else "missing"
    r = call("apigateway", "create_resource", restApiId=aid, parentId=root, pathPart="items")
    rid = r["id"] if r else "missing"
    call("apigateway", "put_method", restApiId=aid, resourceId=rid, httpMethod="GET", authorizationType="NONE",
         requestParameters={"method.request.querystring.q": False})
    call("apigateway", "put_method_response", restApiId=aid, resourceId=rid, httpMethod="GET",
         statusCode="200", responseModels={"application/json": "Empty"})
    call("apigateway", "put_integration", restApiId=aid, resourceId=rid, httpMethod="GET", type="MOCK",
         requestTemplates={"application/json": '{"statusCode": 200}'})
    call("apigateway", "put_integration_response", restApiId=aid, resourceId=rid, httpMethod="GET",
         statusCode="200", responseTemplates={"application/json": '{"ok": true}'})
    call("apigateway", "get_method", restApiId=aid, resourceId=rid, httpMethod="GET")
    call("apigateway", "get_integration", restApiId=aid, resourceId=rid, httpMethod="GET")
    call("apigateway", "get_resources", restApiId=aid)
    d = call("apigateway", "create_deployment", restApiId=aid, stageName="prod", description="first")
    call("apigateway", "get_deployments", restApiId=aid)
    call("apigateway", "get_stages", restApiId=aid)
    call("apigateway", "get_stage", restApiId=aid, stageName="prod")
    call("apigateway", "get_stage", restApiId=aid, stageName="nope")  # NotFoundException
    call("apigateway", "get_rest_apis")
    call("apigateway", "get_rest_api", restApiId=aid)
    call("apigateway", "get_rest_api", restApiId="missing")  # NotFoundException
    k = call("apigateway", "create_api_key", name="client", enabled=True, value="a" * 30)
    call("apigateway", "get_api_keys", includeValues=True)
    up = call("apigateway", "create_usage_plan", name="basic", throttle={"burstLimit": 10, "rateLimit": 5.5},
              quota={"limit": 1000, "period": "MONTH"}, apiStages=[{"apiId": aid, "stage": "prod"}])
    call("apigateway", "get_usage_plans")
    if up and k:
        call("apigateway", "create_usage_plan_key", usagePlanId=up["id"], keyId=k["id"], keyType="API_KEY")
        call("apigateway", "get_usage_plan_keys", usagePlanId=up["id"])
    call("apigateway", "create_authorizer", restApiId=aid, name="auth", type="TOKEN",
         authorizerUri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
                       f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo/invocations",
         identitySource="method.request.header.Authorization")
    call("apigateway", "get_authorizers", restApiId=aid)
    call("apigateway", "create_model", restApiId=aid, name="Item", contentType="application/json",
         schema='{"type": "object"}')
    call("apigateway", "get_models", restApiId=aid)
    call("apigateway", "create_domain_name", domainName="api.example.com",
         certificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/abc")
    call("apigateway", "get_domain_names")
    call("apigateway", "get_resource", restApiId=aid, resourceId="nope")  # NotFoundException
    _ = d


def apigatewayv2():
    api = call("apigatewayv2", "create_api", Name="http-api", ProtocolType="HTTP", Tags={"env": "test"},
               CorsConfiguration={"AllowOrigins": ["*"], "AllowMethods": ["GET"], "MaxAge": 60})
    aid = api["ApiId"] if api else "missing"
    call("apigatewayv2", "get_apis")
    call("apigatewayv2", "get_api", ApiId=aid)
    call("apigatewayv2", "get_api", ApiId="missing")  # NotFoundException
    i = call("apigatewayv2", "create_integration", ApiId=aid, IntegrationType="HTTP_PROXY",
             IntegrationUri="https://example.com", IntegrationMethod="GET", PayloadFormatVersion="1.0")
    target = f"integrations/{i['IntegrationId']}" if i else None
    call("apigatewayv2", "get_integrations", ApiId=aid)
    kw = {"Target": target} if target else {}
    r = call("apigatewayv2", "create_route", ApiId=aid, RouteKey="GET /items", **kw)
    call("apigatewayv2", "get_routes", ApiId=aid)
    if r:
        call("apigatewayv2", "get_route", ApiId=aid, RouteId=r["RouteId"])
    call("apigatewayv2", "get_route", ApiId=aid, RouteId="nope")  # NotFoundException
    call("apigatewayv2", "create_stage", ApiId=aid, StageName="prod", AutoDeploy=True,
         StageVariables={"v": "1"})
    call("apigatewayv2", "get_stages", ApiId=aid)
    call("apigatewayv2", "create_authorizer", ApiId=aid, AuthorizerType="JWT", Name="jwt",
         IdentitySource=["$request.header.Authorization"],
         JwtConfiguration={"Audience": ["aud"], "Issuer": "https://issuer.example.com"})
    call("apigatewayv2", "create_model", ApiId=aid, Name="Item", Schema='{"type": "object"}',
         ContentType="application/json")
    call("apigatewayv2", "tag_resource", ResourceArn=f"arn:aws:apigateway:{REGION}::/apis/{aid}",
         Tags={"owner": "me"})
    call("apigatewayv2", "get_tags", ResourceArn=f"arn:aws:apigateway:{REGION}::/apis/{aid}")
    call("apigatewayv2", "delete_api", ApiId="missing")  # NotFoundException


def s3():
    b = "fixture-bucket"
    call("s3", "create_bucket", Bucket=b)
    call("s3", "create_bucket", Bucket=b)  # BucketAlreadyOwnedByYou / BucketAlreadyExists
    call("s3", "create_bucket", Bucket="fixture-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    call("s3", "head_bucket", Bucket=b)
    call("s3", "head_bucket", Bucket="no-such-bucket-fx")  # 404, no body
    call("s3", "list_buckets")
    call("s3", "get_bucket_location", Bucket=b)
    call("s3", "get_bucket_location", Bucket="fixture-eu")
    keys = ["a.txt", "dir/b.txt", "dir/c.json", "dir/sub/d.txt", "space key.txt", "uni-é中.txt",
            "amp&lt.txt", "plus+sign.txt"]
    for k in keys:
        call("s3", "put_object", Bucket=b, Key=k, Body=("content of %s\n" % k).encode(), ContentType="text/plain",
             Metadata={"origin": "fixture"})
    call("s3", "put_object", Bucket=b, Key="bin.dat", Body=bytes(range(256)), ContentType="application/octet-stream",
         CacheControl="max-age=60", ContentDisposition="attachment", Tagging="a=1&b=2")
    call("s3", "head_object", Bucket=b, Key="a.txt")
    call("s3", "head_object", Bucket=b, Key="missing.txt")  # 404, no body
    call("s3", "get_object", Bucket=b, Key="a.txt")
    call("s3", "get_object", Bucket=b, Key="bin.dat")
    call("s3", "get_object", Bucket=b, Key="dir/c.json", Range="bytes=0-4")
    call("s3", "get_object", Bucket=b, Key="missing.txt")  # NoSuchKey
    call("s3", "get_object", Bucket="no-such-bucket-fx", Key="x")  # NoSuchBucket
    call("s3", "list_objects_v2", Bucket=b)
    call("s3", "list_objects_v2", Bucket=b, Prefix="dir/", Delimiter="/")
    p = call("s3", "list_objects_v2", Bucket=b, MaxKeys=3)
    if p and p.get("NextContinuationToken"):
        call("s3", "list_objects_v2", Bucket=b, MaxKeys=3, ContinuationToken=p["NextContinuationToken"])
    call("s3", "list_objects_v2", Bucket=b, FetchOwner=True, StartAfter="dir/")
    call("s3", "list_objects_v2", Bucket="no-such-bucket-fx")  # NoSuchBucket
    call("s3", "list_objects", Bucket=b, Delimiter="/")
    call("s3", "list_objects", Bucket=b, MaxKeys=2, Marker="a.txt")
    call("s3", "copy_object", Bucket=b, Key="copy of a.txt", CopySource={"Bucket": b, "Key": "a.txt"})
    call("s3", "copy_object", Bucket=b, Key="x", CopySource={"Bucket": b, "Key": "missing"})  # NoSuchKey
    call("s3", "put_object_tagging", Bucket=b, Key="a.txt", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    call("s3", "get_object_tagging", Bucket=b, Key="a.txt")
    call("s3", "get_object_tagging", Bucket=b, Key="bin.dat")
    call("s3", "get_object_acl", Bucket=b, Key="a.txt")
    call("s3", "get_bucket_acl", Bucket=b)
    call("s3", "get_bucket_tagging", Bucket=b)  # NoSuchTagSet
    call("s3", "put_bucket_tagging", Bucket=b, Tagging={"TagSet": [{"Key": "env", "Value": "test"}]})
    call("s3", "get_bucket_tagging", Bucket=b)
    call("s3", "get_bucket_policy", Bucket=b)  # NoSuchBucketPolicy
    call("s3", "put_bucket_policy", Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"}]}))
    call("s3", "get_bucket_policy", Bucket=b)
    call("s3", "get_bucket_policy_status", Bucket=b)
    call("s3", "put_bucket_cors", Bucket=b, CORSConfiguration={"CORSRules": [
        {"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 300,
         "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"]}]})
    call("s3", "get_bucket_cors", Bucket=b)
    call("s3", "put_bucket_lifecycle_configuration", Bucket=b, LifecycleConfiguration={"Rules": [
        {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "dir/"}, "Expiration": {"Days": 30}}]})
    call("s3", "get_bucket_lifecycle_configuration", Bucket=b)
    call("s3", "put_bucket_encryption", Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    call("s3", "get_bucket_encryption", Bucket=b)
    call("s3", "get_bucket_versioning", Bucket=b)
    call("s3", "put_bucket_versioning", Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    call("s3", "put_object", Bucket=b, Key="a.txt", Body=b"second version\n")
    call("s3", "get_bucket_versioning", Bucket=b)
    call("s3", "list_object_versions", Bucket=b, Prefix="a")
    call("s3", "get_bucket_website", Bucket=b)  # NoSuchWebsiteConfiguration
    call("s3", "put_bucket_website", Bucket=b, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    call("s3", "get_bucket_website", Bucket=b)
    call("s3", "get_bucket_notification_configuration", Bucket=b)
    call("s3", "get_public_access_block", Bucket=b)  # NoSuchPublicAccessBlockConfiguration
    call("s3", "get_bucket_ownership_controls", Bucket=b)
    call("s3", "get_bucket_logging", Bucket=b)
    call("s3", "get_bucket_accelerate_configuration", Bucket=b)
    call("s3", "get_bucket_request_payment", Bucket=b)
    call("s3", "get_object_attributes", Bucket=b, Key="dir/b.txt", ObjectAttributes=["ETag", "ObjectSize",
                                                                                       "StorageClass"])
    mp = call("s3", "create_multipart_upload", Bucket=b, Key="big.bin", ContentType="application/octet-stream")
    if mp:
        uid = mp["UploadId"]
        part = call("s3", "upload_part", Bucket=b, Key="big.bin", UploadId=uid, PartNumber=1, Body=b"p" * 1024)
        call("s3", "list_multipart_uploads", Bucket=b)
        call("s3", "list_parts", Bucket=b, Key="big.bin", UploadId=uid)
        if part:
            call("s3", "complete_multipart_upload", Bucket=b, Key="big.bin", UploadId=uid,
                 MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
    call("s3", "list_parts", Bucket=b, Key="big.bin", UploadId="nope")  # NoSuchUpload
    call("s3", "delete_objects", Bucket=b, Delete={"Objects": [{"Key": "dir/sub/d.txt"}, {"Key": "never"}]})
    call("s3", "delete_object", Bucket=b, Key="copy of a.txt")
    call("s3", "delete_bucket", Bucket=b)  # BucketNotEmpty
    call("s3", "delete_bucket", Bucket="fixture-eu")


def route53():
    z = call("route53", "create_hosted_zone", Name="example.com", CallerReference="ref-1",
             HostedZoneConfig={"Comment": "fixture zone", "PrivateZone": False})
    zid = z["HostedZone"]["Id"] if z else "/hostedzone/missing"
    call("route53", "create_hosted_zone", Name="internal.example", CallerReference="ref-2",
         VPC={"VPCRegion": REGION, "VPCId": VPC[0] if VPC else "vpc-12345678"},
         HostedZoneConfig={"PrivateZone": True, "Comment": "private"})
    call("route53", "get_hosted_zone", Id=zid)
    call("route53", "get_hosted_zone", Id="ZNOSUCHZONE")  # NoSuchHostedZone
    call("route53", "list_hosted_zones")
    call("route53", "list_hosted_zones_by_name", DNSName="example.com", MaxItems="1")
    call("route53", "get_hosted_zone_count")
    ch = call("route53", "change_resource_record_sets", HostedZoneId=zid, ChangeBatch={"Comment": "add", "Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "192.0.2.1"},
                                                                       {"Value": "192.0.2.2"}]}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "txt.example.com", "Type": "TXT", "TTL": 60,
                                                   "ResourceRecords": [{"Value": '"v=spf1 -all"'}]}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.example.com", "Type": "CNAME", "TTL": 60,
                                                   "SetIdentifier": "east", "Weight": 10,
                                                   "ResourceRecords": [{"Value": "east.example.com"}]}}]})
    call("route53", "change_resource_record_sets", HostedZoneId=zid, ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "nope.example.com", "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "192.0.2.9"}]}}]})  # InvalidChangeBatch
    if ch:
        call("route53", "get_change", Id=ch["ChangeInfo"]["Id"])
    call("route53", "list_resource_record_sets", HostedZoneId=zid)
    call("route53", "list_resource_record_sets", HostedZoneId=zid, MaxItems="2")
    call("route53", "change_tags_for_resource", ResourceType="hostedzone", ResourceId=zid.split("/")[-1],
         AddTags=[{"Key": "env", "Value": "test"}])
    call("route53", "list_tags_for_resource", ResourceType="hostedzone", ResourceId=zid.split("/")[-1])
    hc = call("route53", "create_health_check", CallerReference="hc-1", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "www.example.com", "Port": 443, "ResourcePath": "/health",
        "RequestInterval": 30, "FailureThreshold": 3})
    if hc:
        call("route53", "get_health_check", HealthCheckId=hc["HealthCheck"]["Id"])
    call("route53", "get_health_check", HealthCheckId="no-such-check")  # NoSuchHealthCheck
    call("route53", "list_health_checks")
    call("route53", "get_dnssec", HostedZoneId=zid)
    call("route53", "list_query_logging_configs")
    call("route53", "delete_hosted_zone", Id=zid)  # HostedZoneNotEmpty
    call("route53", "get_change", Id="C-NOPE")


def cloudfront():
    cfg = {
        "CallerReference": "dist-1",
        "Comment": "fixture distribution",
        "Enabled": True,
        "Aliases": {"Quantity": 0},
        "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "s3-origin", "DomainName": "fixture-bucket.s3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "s3-origin", "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"],
                               "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}},
    }
    d = call("cloudfront", "create_distribution", DistributionConfig=cfg)
    did = d["Distribution"]["Id"] if d else "MISSING"
    call("cloudfront", "create_distribution_with_tags", DistributionConfigWithTags={
        "DistributionConfig": dict(cfg, CallerReference="dist-2"),
        "Tags": {"Items": [{"Key": "env", "Value": "test"}]}})
    call("cloudfront", "get_distribution", Id=did)
    call("cloudfront", "get_distribution", Id="ENOSUCHDIST")  # NoSuchDistribution
    c = call("cloudfront", "get_distribution_config", Id=did)
    call("cloudfront", "list_distributions")
    call("cloudfront", "list_distributions", MaxItems="1")
    if c:
        new = dict(c["DistributionConfig"], Comment="updated")
        call("cloudfront", "update_distribution", Id=did, IfMatch=c["ETag"], DistributionConfig=new)
        call("cloudfront", "update_distribution", Id=did, IfMatch="wrong-etag", DistributionConfig=new)
    inv = call("cloudfront", "create_invalidation", DistributionId=did, InvalidationBatch={
        "Paths": {"Quantity": 2, "Items": ["/index.html", "/img/*"]}, "CallerReference": "inv-1"})
    call("cloudfront", "list_invalidations", DistributionId=did)
    if inv:
        call("cloudfront", "get_invalidation", DistributionId=did, Id=inv["Invalidation"]["Id"])
    arn = d["Distribution"]["ARN"] if d else f"arn:aws:cloudfront::{ACCOUNT}:distribution/MISSING"
    call("cloudfront", "list_tags_for_resource", Resource=arn)
    oac = call("cloudfront", "create_origin_access_control", OriginAccessControlConfig={
        "Name": "oac", "Description": "d", "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"})
    call("cloudfront", "list_origin_access_controls")
    if oac:
        call("cloudfront", "get_origin_access_control", Id=oac["OriginAccessControl"]["Id"])
    call("cloudfront", "create_key_group", KeyGroupConfig={"Name": "kg", "Items": ["K1"], "Comment": "c"})
    call("cloudfront", "list_key_groups")
    call("cloudfront", "delete_distribution", Id=did, IfMatch="x")


TEMPLATE = json.dumps({
    "AWSTemplateFormatVersion": "2010-09-09",
    "Description": "fixture stack",
    "Parameters": {"QueueName": {"Type": "String", "Default": "cfn-queue", "Description": "name"}},
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "QueueName"}}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "cfn-topic"}},
    },
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}, "Export": {"Name": "fixture-queue-url"}},
                "TopicArn": {"Value": {"Ref": "Topic"}}},
})


def cloudformation():
    call("cloudformation", "validate_template", TemplateBody=TEMPLATE)
    call("cloudformation", "validate_template", TemplateBody="{not a template")  # ValidationError
    call("cloudformation", "create_stack", StackName="fixture", TemplateBody=TEMPLATE,
         Parameters=[{"ParameterKey": "QueueName", "ParameterValue": "cfn-queue"}],
         Tags=[{"Key": "env", "Value": "test"}])
    call("cloudformation", "create_stack", StackName="fixture", TemplateBody=TEMPLATE)  # AlreadyExists
    call("cloudformation", "describe_stacks", StackName="fixture")
    call("cloudformation", "describe_stacks", StackName="missing")  # ValidationError
    call("cloudformation", "list_stacks")
    call("cloudformation", "describe_stack_resources", StackName="fixture")
    call("cloudformation", "describe_stack_resource", StackName="fixture", LogicalResourceId="Queue")
    call("cloudformation", "list_stack_resources", StackName="fixture")
    # Not GetTemplateSummary: moto 5.1.3 repeats <ResourceTypes> once per type instead of
    # listing <member>s in one element (botocore then reads ["", ""]).
    call("cloudformation", "list_exports")
    call("cloudformation", "create_change_set", StackName="fixture", ChangeSetName="cs1", TemplateBody=TEMPLATE,
         Parameters=[{"ParameterKey": "QueueName", "ParameterValue": "cfn-queue-2"}])
    call("cloudformation", "describe_change_set", StackName="fixture", ChangeSetName="cs1")
    call("cloudformation", "list_change_sets", StackName="fixture")
    call("cloudformation", "describe_change_set", StackName="fixture", ChangeSetName="nope")
    call("cloudformation", "update_stack", StackName="fixture", TemplateBody=TEMPLATE,
         Parameters=[{"ParameterKey": "QueueName", "ParameterValue": "cfn-queue-3"}])
    call("cloudformation", "set_stack_policy", StackName="fixture", StackPolicyBody=POLICY)
    call("cloudformation", "get_stack_policy", StackName="fixture")
    call("cloudformation", "delete_stack", StackName="fixture")
    call("cloudformation", "list_stacks", StackStatusFilter=["DELETE_COMPLETE"])


def cloudwatch():
    call("cloudwatch", "put_metric_data", Namespace="App", MetricData=[
        {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}],
         "Timestamp": datetime.datetime(2025, 1, 1, 0, 0, 0), "Value": 1.5, "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}],
         "Timestamp": datetime.datetime(2025, 1, 1, 0, 1, 0), "Value": 2.0, "Unit": "Milliseconds"},
        {"MetricName": "Errors", "Value": 3, "Unit": "Count",
         "Timestamp": datetime.datetime(2025, 1, 1, 0, 0, 30)}])
    call("cloudwatch", "list_metrics")
    call("cloudwatch", "list_metrics", Namespace="App", MetricName="Latency")
    call("cloudwatch", "get_metric_statistics", Namespace="App", MetricName="Latency",
         Dimensions=[{"Name": "Service", "Value": "web"}], StartTime=datetime.datetime(2024, 12, 31),
         EndTime=datetime.datetime(2025, 1, 2), Period=3600, Statistics=["Average", "Sum", "SampleCount"])
    call("cloudwatch", "get_metric_data", StartTime=datetime.datetime(2024, 12, 31),
         EndTime=datetime.datetime(2025, 1, 2), MetricDataQueries=[
             {"Id": "lat", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Latency",
                                                     "Dimensions": [{"Name": "Service", "Value": "web"}]},
                                          "Period": 60, "Stat": "Sum"}}])
    call("cloudwatch", "put_metric_alarm", AlarmName="high-latency", MetricName="Latency", Namespace="App",
         Statistic="Average", Period=60, EvaluationPeriods=2, Threshold=100.0,
         ComparisonOperator="GreaterThanThreshold", Dimensions=[{"Name": "Service", "Value": "web"}],
         AlarmActions=[f"arn:aws:sns:{REGION}:{ACCOUNT}:events"], Tags=[{"Key": "env", "Value": "test"}])
    call("cloudwatch", "describe_alarms")
    call("cloudwatch", "describe_alarms", AlarmNames=["high-latency"], StateValue="INSUFFICIENT_DATA")
    call("cloudwatch", "describe_alarms_for_metric", MetricName="Latency", Namespace="App")
    call("cloudwatch", "set_alarm_state", AlarmName="high-latency", StateValue="ALARM", StateReason="test")
    call("cloudwatch", "set_alarm_state", AlarmName="missing", StateValue="OK", StateReason="x")  # ResourceNotFound
    call("cloudwatch", "put_dashboard", DashboardName="main", DashboardBody=json.dumps(
        {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 3, "properties": {"markdown": "hi"}}]}))
    call("cloudwatch", "get_dashboard", DashboardName="main")
    call("cloudwatch", "get_dashboard", DashboardName="missing")  # ResourceNotFound
    call("cloudwatch", "list_dashboards")
    arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:high-latency"
    call("cloudwatch", "tag_resource", ResourceARN=arn, Tags=[{"Key": "owner", "Value": "me"}])
    call("cloudwatch", "list_tags_for_resource", ResourceARN=arn)
    call("cloudwatch", "put_metric_data", Namespace="AWS/Bad", MetricData=[{"MetricName": "x", "Value": 1}])
    call("cloudwatch", "delete_alarms", AlarmNames=["high-latency"])
    call("cloudwatch", "delete_dashboards", DashboardNames=["missing"])


def rds():
    call("rds", "create_db_subnet_group", DBSubnetGroupName="fx-subnets", DBSubnetGroupDescription="subnets",
         SubnetIds=[SUBNETS[0], SUBNETS[1]] if len(SUBNETS) > 1 else SUBNETS)
    call("rds", "describe_db_subnet_groups")
    call("rds", "create_db_parameter_group", DBParameterGroupName="fx-params", DBParameterGroupFamily="postgres16",
         Description="params")
    call("rds", "describe_db_parameter_groups", DBParameterGroupName="fx-params")
    call("rds", "modify_db_parameter_group", DBParameterGroupName="fx-params", Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "100", "ApplyMethod": "pending-reboot"}])
    call("rds", "describe_db_parameters", DBParameterGroupName="fx-params")
    call("rds", "create_db_instance", DBInstanceIdentifier="fx-db", DBInstanceClass="db.t3.micro", Engine="postgres",
         MasterUsername="admin", MasterUserPassword="password123", AllocatedStorage=20,
         DBSubnetGroupName="fx-subnets", DBParameterGroupName="fx-params", Tags=[{"Key": "env", "Value": "test"}])
    call("rds", "create_db_instance", DBInstanceIdentifier="fx-db", DBInstanceClass="db.t3.micro",
         Engine="postgres", MasterUsername="admin", MasterUserPassword="password123",
         AllocatedStorage=20)  # DBInstanceAlreadyExists
    call("rds", "describe_db_instances", DBInstanceIdentifier="fx-db")
    call("rds", "describe_db_instances", DBInstanceIdentifier="missing")  # DBInstanceNotFound
    call("rds", "modify_db_instance", DBInstanceIdentifier="fx-db", AllocatedStorage=30, ApplyImmediately=True)
    call("rds", "create_db_snapshot", DBInstanceIdentifier="fx-db", DBSnapshotIdentifier="fx-snap")
    call("rds", "describe_db_snapshots", DBInstanceIdentifier="fx-db")
    call("rds", "describe_db_snapshots", DBSnapshotIdentifier="missing")  # DBSnapshotNotFound
    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:fx-db"
    call("rds", "add_tags_to_resource", ResourceName=arn, Tags=[{"Key": "owner", "Value": "me"}])
    call("rds", "list_tags_for_resource", ResourceName=arn)
    call("rds", "create_db_cluster", DBClusterIdentifier="fx-cluster", Engine="aurora-postgresql",
         MasterUsername="admin", MasterUserPassword="password123")
    call("rds", "describe_db_clusters", DBClusterIdentifier="fx-cluster")
    call("rds", "describe_db_clusters", DBClusterIdentifier="missing")  # DBClusterNotFoundFault
    call("rds", "stop_db_instance", DBInstanceIdentifier="fx-db")
    call("rds", "start_db_instance", DBInstanceIdentifier="fx-db")
    call("rds", "reboot_db_instance", DBInstanceIdentifier="missing")
    call("rds", "create_option_group", OptionGroupName="fx-opts", EngineName="mysql", MajorEngineVersion="8.0",
         OptionGroupDescription="opts")
    call("rds", "describe_option_groups", OptionGroupName="fx-opts")
    call("rds", "delete_db_instance", DBInstanceIdentifier="fx-db", SkipFinalSnapshot=True)
    call("rds", "delete_db_instance", DBInstanceIdentifier="fx-db", SkipFinalSnapshot=True)  # not found


SUBNETS = []
VPC = []


def ec2():
    ec2c = client("ec2")
    call("ec2", "describe_vpcs")
    call("ec2", "describe_vpcs", VpcIds=["vpc-00000000"])  # InvalidVpcID.NotFound
    v = call("ec2", "create_vpc", CidrBlock="10.10.0.0/16",
             TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "fixture"}]}])
    vpc = v["Vpc"]["VpcId"] if v else "vpc-missing"
    VPC.append(vpc)
    for i, az in enumerate(["us-east-1a", "us-east-1b"]):
        s = call("ec2", "create_subnet", VpcId=vpc, CidrBlock=f"10.10.{i}.0/24", AvailabilityZone=az)
        if s:
            SUBNETS.append(s["Subnet"]["SubnetId"])
    call("ec2", "describe_subnets", Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    sg = call("ec2", "create_security_group", GroupName="web", Description="web servers", VpcId=vpc)
    sgid = sg["GroupId"] if sg else "sg-missing"
    call("ec2", "create_security_group", GroupName="web", Description="dup", VpcId=vpc)  # Duplicate
    call("ec2", "authorize_security_group_ingress", GroupId=sgid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0",
                                                                          "Description": "https"}]}])
    call("ec2", "describe_security_groups", GroupIds=[sgid])
    call("ec2", "delete_security_group", GroupId="sg-00000000")  # InvalidGroup.NotFound
    call("ec2", "create_key_pair", KeyName="fixture-key")
    call("ec2", "describe_key_pairs")
    call("ec2", "create_key_pair", KeyName="fixture-key")  # InvalidKeyPair.Duplicate
    ec2c.meta.events.unregister("before-parse.*.*", on_before_parse)  # the AMI catalogue is large
    imgs = ec2c.describe_images(Owners=["amazon"])["Images"]
    ec2c.meta.events.register("before-parse.*.*", on_before_parse)
    _pending.clear()
    ami = sorted(i["ImageId"] for i in imgs)[0]
    call("ec2", "describe_images", ImageIds=[ami])
    r = call("ec2", "run_instances", ImageId=ami, MinCount=2, MaxCount=2, InstanceType="t3.micro",
             KeyName="fixture-key", SubnetId=SUBNETS[0] if SUBNETS else None, SecurityGroupIds=[sgid],
             UserData="#!/bin/sh\necho hi\n",
             TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}]) \
        if SUBNETS else None
    ids = [i["InstanceId"] for i in r["Instances"]] if r else []
    call("ec2", "describe_instances", InstanceIds=ids[:1] or ["i-00000000000000000"])
    call("ec2", "describe_instances", Filters=[{"Name": "tag:Name", "Values": ["web"]}])
    call("ec2", "describe_instances", InstanceIds=["i-0123456789abcdef0"])  # InvalidInstanceID.NotFound
    call("ec2", "describe_instances", InstanceIds=["bogus"])  # InvalidInstanceID.Malformed
    call("ec2", "describe_instance_status", InstanceIds=ids, IncludeAllInstances=True)
    call("ec2", "describe_instance_attribute", InstanceId=ids[0] if ids else "i-0", Attribute="instanceType")
    call("ec2", "create_tags", Resources=ids, Tags=[{"Key": "env", "Value": "test"}])
    call("ec2", "describe_tags", Filters=[{"Name": "resource-id", "Values": ids[:1]}])
    if ids:
        call("ec2", "stop_instances", InstanceIds=ids[:1])
        call("ec2", "start_instances", InstanceIds=ids[:1])
    vol = call("ec2", "create_volume", AvailabilityZone="us-east-1a", Size=8, VolumeType="gp3", Encrypted=True)
    if vol and ids:
        call("ec2", "attach_volume", VolumeId=vol["VolumeId"], InstanceId=ids[0], Device="/dev/sdf")
        call("ec2", "describe_volumes", VolumeIds=[vol["VolumeId"]])
        call("ec2", "create_snapshot", VolumeId=vol["VolumeId"], Description="snap")
    call("ec2", "describe_volumes", VolumeIds=["vol-00000000"])  # InvalidVolume.NotFound
    a = call("ec2", "allocate_address", Domain="vpc")
    if a and ids:
        call("ec2", "associate_address", AllocationId=a["AllocationId"], InstanceId=ids[0])
    call("ec2", "describe_addresses")
    igw = call("ec2", "create_internet_gateway")
    if igw:
        call("ec2", "attach_internet_gateway", InternetGatewayId=igw["InternetGateway"]["InternetGatewayId"],
             VpcId=vpc)
    call("ec2", "describe_internet_gateways", Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])
    rt = call("ec2", "create_route_table", VpcId=vpc)
    if rt and igw:
        call("ec2", "create_route", RouteTableId=rt["RouteTable"]["RouteTableId"], DestinationCidrBlock="0.0.0.0/0",
             GatewayId=igw["InternetGateway"]["InternetGatewayId"])
    call("ec2", "describe_route_tables", Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    call("ec2", "describe_availability_zones")
    call("ec2", "describe_regions", RegionNames=["us-east-1", "eu-west-1"])
    call("ec2", "describe_account_attributes")
    call("ec2", "create_launch_template", LaunchTemplateName="fixture-lt", LaunchTemplateData={
        "ImageId": ami, "InstanceType": "t3.micro"})
    call("ec2", "describe_launch_templates")
    call("ec2", "terminate_instances", InstanceIds=ids)
    call("ec2", "terminate_instances", InstanceIds=["i-0123456789abcdef0"])  # InvalidInstanceID.NotFound


def main():
    moto_api("/moto-api/reset")
    moto_api("/moto-api/seed?a=42")
    steps = [iam, sts, sqs, sns, dynamodb, logs, kms, ssm, secretsmanager, lambda_, apigateway, apigatewayv2,
             s3, ec2, route53, cloudfront, cloudformation, cloudwatch, rds]
    for step in steps:
        print(f"capture_moto: {step.__name__.strip('_')}", file=sys.stderr)
        step()
    records.sort(key=lambda r: (r["service"], r["operation"], r["_seq"]))
    with open(OUT, "w", encoding="utf-8") as f:
        for r in records:
            del r["_seq"]
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")
    counts = {}
    for r in records:
        counts[r["service"]] = counts.get(r["service"], 0) + 1
    for s in skipped:
        print(f"capture_moto: not written: {s}", file=sys.stderr)
    print(f"capture_moto: {len(records)} responses to {OUT} "
          f"({calls['ok']} ok, {calls['error']} errors, {calls['failed']} failed calls); "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
