"""End-to-end `aws_execute` invoke / preview / presign tests against moto on loopback.

The official MCP Python SDK drives the server binary (AWS_MCP_BIN, default
target/release/aws-exec-mcp) over stdio; the server talks to moto at MOTO_ENDPOINT
(`eval "$(../shared/moto/start.sh auto)"; export MOTO_ENDPOINT`, as scripts/test.sh does).
Without MOTO_ENDPOINT the tests skip themselves, except under CI=true where that is a failure.

One server process serves the whole module (its MCP session lives in an asyncio loop on a
background thread); a few tests start their own (no credentials, a recording endpoint). Every
call runs under a hard timeout, every resource has a unique name and is deleted again.
The server never sees the real ~/.aws: HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
point into a temporary directory.
"""

import asyncio
import base64
import concurrent.futures
import datetime
import hashlib
import http.client
import http.server
import json
import os
import pathlib
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from harness import (ACCOUNT, ALLOWED_ROLES, BIN, BULK_KEYS, CALLER_ARN, MOTO_ENDPOINT, McpServer,
                     assert_success, b64, check_identity, is_iso, server_env, structured, unique)


@pytest.fixture(scope="module")
def srv(base_env, dirs):
    assert os.access(BIN, os.X_OK), f"{BIN} missing: run `cargo build --release` or set AWS_MCP_BIN"
    server = McpServer(base_env, dirs["logs"] / "server.log")
    yield server
    server.close()


def raw_s3(moto, method, path, body=b"", conn=None):
    """One unsigned S3 request to moto (moto routes unsigned requests to S3 and checks no
    signatures); used only to create and remove the bulk keys fast."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(urllib.parse.urlsplit(moto).netloc, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Content-Length": str(len(body))})
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status in (200, 204), (method, path, resp.status, data[:300])
        return data
    finally:
        if own:
            conn.close()


@pytest.fixture(scope="module")
def bulk_bucket(srv, moto):
    """A bucket (created through the server) holding BULK_KEYS empty objects bulk/key-NNNNN."""
    bucket = unique("e2e-bulk")
    srv.result("s3", "CreateBucket", {"Bucket": bucket})
    keys = [f"bulk/key-{i:05d}" for i in range(BULK_KEYS)]

    def put(shard):
        conn = http.client.HTTPConnection(urllib.parse.urlsplit(moto).netloc, timeout=30)
        try:
            for key in keys[shard::4]:
                raw_s3(moto, "PUT", f"/{bucket}/{key}", conn=conn)
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(put, range(4)))
    yield bucket, keys
    for i in range(0, len(keys), 1000):
        objects = "".join(f"<Object><Key>{k}</Key></Object>" for k in keys[i:i + 1000])
        raw_s3(moto, "POST", f"/{bucket}?delete", f"<Delete><Quiet>true</Quiet>{objects}</Delete>".encode())
    raw_s3(moto, "DELETE", f"/{bucket}")


@pytest.fixture
def bucket(srv):
    name = unique("e2e")
    assert srv.result("s3", "CreateBucket", {"Bucket": name}) is not None
    yield name
    listing = srv.result("s3", "ListObjectsV2", {"Bucket": name}, paginate=True, query="Contents[].Key")
    for key in listing or []:
        srv.result("s3", "DeleteObject", {"Bucket": name, "Key": key})
    srv.result("s3", "DeleteBucket", {"Bucket": name})


# ---------------------------------------------------------------------------------------------
# S3 (restXml)
# ---------------------------------------------------------------------------------------------


def test_s3_put_get_head_list_delete(srv, bucket, dirs):
    data = srv.invoke("s3", "ListBuckets", {})
    assert data["service"] == "s3" and data["region"] == "us-east-1", data
    assert "profile" not in data["identity"] and "roleArn" not in data["identity"], data
    assert data["identity"]["arn"] == CALLER_ARN, data
    mine = [b for b in data["result"]["Buckets"] if b["Name"] == bucket]
    assert len(mine) == 1 and is_iso(mine[0]["CreationDate"]), data["result"]

    # A base64 payload body.
    put = srv.result("s3", "PutObject", {"Bucket": bucket, "Key": "dir/hello.txt", "Body": "aGVsbG8=",
                                         "ContentType": "text/plain", "Metadata": {"origin": "e2e"}})
    assert put["ETag"].strip('"') == hashlib.md5(b"hello").hexdigest(), put

    head = srv.result("s3", "HeadObject", {"Bucket": bucket, "Key": "dir/hello.txt"})
    assert head["ContentLength"] == 5 and head["ContentType"] == "text/plain", head
    assert head["Metadata"] == {"origin": "e2e"} and is_iso(head["LastModified"]), head
    assert srv.result("s3", "HeadObject", {"Bucket": bucket, "Key": "dir/hello.txt"},
                      query="ContentLength") == 5

    got = srv.result("s3", "GetObject", {"Bucket": bucket, "Key": "dir/hello.txt"})
    body = got["Body"]
    path = pathlib.Path(body["artifact"])
    assert path.is_absolute() and path.resolve().is_relative_to(dirs["artifacts"].resolve()), body
    assert path.read_bytes() == b"hello"
    assert body["size"] == 5 and body["sha256"] == hashlib.sha256(b"hello").hexdigest(), body
    assert body["contentType"] == "text/plain" and body["text"] == "hello", body
    assert got["ContentLength"] == 5, got

    # A streaming body from a file under AWS_MCP_FILE_ROOT (binary, not small).
    blob = os.urandom(300_000) + b"\xff\xfe"
    src = dirs["files"] / unique("upload")
    src.write_bytes(blob)
    srv.result("s3", "PutObject", {"Bucket": bucket, "Key": "blob.bin",
                                   "ContentType": "application/octet-stream"}, bodyFile=str(src))
    got = srv.result("s3", "GetObject", {"Bucket": bucket, "Key": "blob.bin"})["Body"]
    assert got["size"] == len(blob) and got["sha256"] == hashlib.sha256(blob).hexdigest(), got
    assert pathlib.Path(got["artifact"]).read_bytes() == blob
    assert "text" not in got, {k: v for k, v in got.items() if k != "text"}
    assert got["contentType"] == "application/octet-stream", got

    # A file outside the root is refused before anything is sent.
    outside = dirs["home"] / "outside.txt"
    outside.write_text("no")
    result = srv.execute("invoke", "s3", "PutObject", {"Bucket": bucket, "Key": "outside.txt"},
                         bodyFile=str(outside))
    assert result.is_error is True, result
    assert structured(result)["error"]["type"] in ("InvalidOptions", "InvalidArguments"), result

    listing = srv.result("s3", "ListObjectsV2", {"Bucket": bucket})
    assert listing["KeyCount"] == 2 and listing["IsTruncated"] is False, listing
    assert sorted(o["Key"] for o in listing["Contents"]) == ["blob.bin", "dir/hello.txt"], listing
    assert all(is_iso(o["LastModified"]) for o in listing["Contents"]), listing


def test_s3_errors(srv):
    missing = unique("e2e-missing")
    err = srv.aws_error("NoSuchBucket", 404, "s3", "ListObjectsV2", {"Bucket": missing})
    assert err["service"] == "s3", err
    assert err.get("requestId"), err
    assert err["retryable"] is False, err
    srv.aws_error("NoSuchBucket", 404, "s3", "GetObject", {"Bucket": missing, "Key": "k"})
    # A HEAD has no error body: the status alone says what happened.
    err = srv.fails("AwsError", "s3", "HeadBucket", {"Bucket": missing})
    assert err["httpStatus"] == 404, err


def test_s3_list_objects_paginated_with_projection(srv, bulk_bucket):
    bucket, keys = bulk_bucket
    data = srv.invoke("s3", "ListObjectsV2", {"Bucket": bucket}, paginate=True, query="Contents[].Key")
    assert data["pages"] == 3, {k: v for k, v in data.items() if k != "result"}
    assert data["result"] == keys

    # Without paginate: one page, the token stays in the result for the caller.
    first = srv.invoke("s3", "ListObjectsV2", {"Bucket": bucket}, responseMode="full")
    assert "pages" not in first, first.keys()
    assert "truncated" not in first, first.keys()
    page = first["result"]
    assert page["IsTruncated"] is True and page["KeyCount"] == 1000, {k: page[k] for k in page if k != "Contents"}
    assert [o["Key"] for o in page["Contents"]] == keys[:1000]
    token = page["NextContinuationToken"]
    second = srv.result("s3", "ListObjectsV2", {"Bucket": bucket, "ContinuationToken": token},
                        query="Contents[].Key")
    assert second == keys[1000:2000]

    # Limits on the walk.
    two = srv.invoke("s3", "ListObjectsV2", {"Bucket": bucket}, paginate=True, maxPages=2,
                     query="Contents[].Key")
    assert two["pages"] == 2 and two["result"] == keys[:2000], two["pages"]
    capped = srv.invoke("s3", "ListObjectsV2", {"Bucket": bucket, "MaxKeys": 400}, paginate=True,
                        maxItems=1000, query="Contents[].Key")
    assert capped["result"] == keys[:1000] and capped["pages"] == 3, capped["pages"]


def test_output_budget_trims_and_the_cursor_walks_to_the_end(srv, bulk_bucket):
    bucket, keys = bulk_bucket
    data = srv.invoke("s3", "ListObjectsV2", {"Bucket": bucket}, paginate=True)
    result = data["result"]
    # Trimmed to the budget (AWS_MCP_MAX_RESPONSE_BYTES, 50 KiB by default), never silently.
    assert len(json.dumps(result, separators=(",", ":"))) <= 50 * 1024
    [items] = data["truncated"]["items"]
    assert items["path"] == "/Contents" and items["total"] == BULK_KEYS, items
    assert items["kept"] == len(result["Contents"]) and 0 < items["kept"] < BULK_KEYS
    assert result["Name"] == bucket
    # The full result is an artifact.
    with open(data["fullResult"]["artifact"]) as f:
        stored = json.load(f)
    assert len(stored["result"]["Contents"]) == BULK_KEYS
    # The cursor walks the rest without calling AWS; nothing is lost or repeated.
    seen = [o["Key"] for o in result["Contents"]]
    cursor, pages = data["cursor"], 0
    while cursor:
        page = assert_success(srv.execute("invoke", "s3", "ListObjectsV2", {"Bucket": bucket},
                                          cursor=cursor))
        assert page["path"] == "/Contents" and page["from"] == len(seen), page.get("from")
        assert len(json.dumps(page["items"], separators=(",", ":"))) <= 50 * 1024
        seen += [o["Key"] for o in page["items"]]
        cursor, pages = page.get("cursor"), pages + 1
        assert pages < 100
    assert seen == keys
    # A cursor for another operation is refused.
    err = srv.fails("InvalidOptions", "s3", "ListBuckets", {}, cursor=data["cursor"])
    assert "ListObjectsV2" in err["message"], err
    # compact: lists capped at maxResultItems, fields omitted at any depth, all reported.
    small = srv.invoke("s3", "ListObjectsV2", {"Bucket": bucket}, responseMode="compact",
                       maxResultItems=5, omitResponseFields=["ETag"])
    assert [o["Key"] for o in small["result"]["Contents"]] == keys[:5]
    assert small["truncated"]["items"] == [{"path": "/Contents", "kept": 5, "total": 1000}]
    assert small["truncated"]["fields"] == ["/Contents/*/ETag"]
    assert all("ETag" not in o for o in small["result"]["Contents"])
    # The pagination token is never cut.
    assert small["result"]["NextContinuationToken"], small["result"].keys()


def test_s3_preview_sends_nothing(srv, bucket):
    data = assert_success(srv.execute("invoke", "s3", "PutObject",
                                      {"Bucket": bucket, "Key": "p.txt", "Body": b64(b"preview me")},
                                      preview=True))
    assert data["service"] == "s3" and data["operation"] == "PutObject", data
    assert data["region"] == "us-east-1" and "result" not in data, data
    check_identity(data["identity"], "us-east-1")
    p = data["preview"]
    assert p["method"] == "PUT", p
    url = urllib.parse.urlsplit(p["url"])
    assert url.path == f"/{bucket}/p.txt", p["url"]
    assert f"{url.scheme}://{url.netloc}" == MOTO_ENDPOINT, p["url"]
    headers = {k.lower(): v for k, v in p["headers"].items()}
    assert headers["authorization"] == "** redacted **", headers
    assert preview_body(p) == b"preview me", p
    # Nothing was sent.
    err = srv.fails("AwsError", "s3", "HeadObject", {"Bucket": bucket, "Key": "p.txt"})
    assert err["httpStatus"] == 404, err


def preview_body(preview):
    if "bodyBase64" in preview:
        return base64.b64decode(preview["bodyBase64"])
    return (preview.get("body") or "").encode()


def test_s3_presigned_get_with_a_plain_http_client(srv, bucket):
    content = b"presigned " + uuid.uuid4().hex.encode()
    srv.result("s3", "PutObject", {"Bucket": bucket, "Key": "shared/file.txt", "Body": b64(content)})
    data = assert_success(srv.execute("presign", "s3", "GetObject",
                                      {"Bucket": bucket, "Key": "shared/file.txt"}))
    assert data["method"] == "GET" and data["expiresIn"] == 900, data
    assert data["service"] == "s3" and data["operation"] == "GetObject" and data["region"] == "us-east-1"
    check_identity(data["identity"], "us-east-1")
    expires_at = datetime.datetime.fromisoformat(data["expiresAt"].replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((expires_at - now).total_seconds() - 900) < 120, data
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(data["url"]).query)
    assert query["X-Amz-Expires"] == ["900"] and "X-Amz-Signature" in query, data["url"]
    with urllib.request.urlopen(data["url"], timeout=30) as resp:
        assert resp.status == 200 and resp.read() == content

    short = assert_success(srv.execute("presign", "s3", "GetObject",
                                       {"Bucket": bucket, "Key": "shared/file.txt"}, expiresIn=60))
    assert short["expiresIn"] == 60, short
    assert "X-Amz-Expires=60" in short["url"], short["url"]
    err = srv.fails("InvalidOptions", "s3", "GetObject", {"Bucket": bucket, "Key": "shared/file.txt"},
                    action="presign", expiresIn=604801)
    assert "604800" in err["message"] + err["hint"], err


# ---------------------------------------------------------------------------------------------
# DynamoDB, SQS (awsJson1_0)
# ---------------------------------------------------------------------------------------------


def create_table(srv, name, region=None, **options):
    return srv.invoke("dynamodb", "CreateTable", {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST",
    }, region, **options)


def test_dynamodb_items(srv):
    table = unique("e2e-table")
    created = create_table(srv, table)["result"]["TableDescription"]
    try:
        assert created["TableName"] == table and is_iso(created["CreationDateTime"]), created
        assert created["TableArn"] == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table}", created
        blob = b"\x00\x01binary\xff"
        item = {"pk": {"S": "user#1"}, "sk": {"N": "1"}, "data": {"B": b64(blob)},
                "tags": {"SS": ["a", "b"]}, "nested": {"M": {"flag": {"BOOL": True},
                                                            "nums": {"L": [{"N": "1.5"}, {"NULL": True}]}}}}
        srv.result("dynamodb", "PutItem", {"TableName": table, "Item": item})
        srv.result("dynamodb", "PutItem", {"TableName": table, "Item": {"pk": {"S": "user#1"}, "sk": {"N": "2"}}})
        got = srv.result("dynamodb", "GetItem", {"TableName": table, "Key": {"pk": {"S": "user#1"}, "sk": {"N": "1"}},
                                                 "ConsistentRead": True})["Item"]
        assert base64.b64decode(got["data"]["B"]) == blob, got
        assert sorted(got["tags"]["SS"]) == ["a", "b"], got
        assert got["nested"] == item["nested"] and got["sk"] == {"N": "1"}, got
        q = srv.result("dynamodb", "Query", {
            "TableName": table, "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "user#1"}}})
        assert q["Count"] == 2 and [i["sk"]["N"] for i in q["Items"]] == ["1", "2"], q
        upd = srv.result("dynamodb", "UpdateItem", {
            "TableName": table, "Key": {"pk": {"S": "user#1"}, "sk": {"N": "2"}},
            "UpdateExpression": "SET score = :s", "ExpressionAttributeValues": {":s": {"N": "42"}},
            "ReturnValues": "ALL_NEW"})
        assert upd["Attributes"]["score"] == {"N": "42"}, upd
        names = srv.result("dynamodb", "ListTables", {}, paginate=True, query="TableNames")
        assert table in names, names
    finally:
        deleted = srv.result("dynamodb", "DeleteTable", {"TableName": table})
        assert deleted["TableDescription"]["TableName"] == table, deleted
    err = srv.aws_error("ResourceNotFoundException", 400, "dynamodb", "DescribeTable", {"TableName": table})
    assert err["service"] == "dynamodb" and err.get("requestId"), err


def test_fan_out_over_three_regions(srv):
    regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]
    table = unique("e2e-fan")
    create_table(srv, table, "eu-west-1")
    try:
        data = assert_success(srv.execute("invoke", "dynamodb", "ListTables", {}, regions))
        assert data["service"] == "dynamodb" and data["operation"] == "ListTables", data
        by_region = {r["region"]: r for r in data["results"]}
        assert sorted(by_region) == sorted(regions), data
        for region, entry in by_region.items():
            assert "error" not in entry, entry
            check_identity(entry["identity"], region)
            assert (table in entry["result"]["TableNames"]) == (region == "eu-west-1"), (region, entry)

        # "*": every region of the partition, each answered on its own.
        everywhere = assert_success(srv.execute("invoke", "dynamodb", "ListTables", {}, "*"))
        by_region = {r["region"]: r for r in everywhere["results"]}
        assert len(by_region) == len(everywhere["results"]) >= 10, sorted(by_region)
        assert set(regions) <= set(by_region), sorted(by_region)
        assert [r for r, e in by_region.items() if "error" in e] == [], everywhere
        assert all(e["identity"]["region"] == r for r, e in by_region.items()), everywhere
        assert [r for r, e in by_region.items() if table in e["result"]["TableNames"]] == ["eu-west-1"]

        result = srv.execute("invoke", "dynamodb", "DescribeTable", {"TableName": table}, regions)
        by_region = {r["region"]: r for r in structured(result)["results"]}
        assert sorted(by_region) == sorted(regions), by_region
        assert by_region["eu-west-1"]["result"]["Table"]["TableName"] == table, by_region["eu-west-1"]
        for region in ("us-east-1", "ap-southeast-2"):
            err = by_region[region]["error"]
            assert err["type"] == "AwsError" and err["code"] == "ResourceNotFoundException", err
            assert err["message"], err
    finally:
        srv.result("dynamodb", "DeleteTable", {"TableName": table}, "eu-west-1")


def test_sqs_messages(srv):
    name = unique("e2e-q")
    url = srv.result("sqs", "CreateQueue", {"QueueName": name, "Attributes": {"VisibilityTimeout": "45"}})["QueueUrl"]
    try:
        assert url.endswith(f"/{ACCOUNT}/{name}"), url
        assert srv.result("sqs", "GetQueueUrl", {"QueueName": name}) == {"QueueUrl": url}
        attrs = srv.result("sqs", "GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]})
        assert attrs["Attributes"]["VisibilityTimeout"] == "45", attrs
        body = "héllo " + uuid.uuid4().hex
        sent = srv.result("sqs", "SendMessage", {
            "QueueUrl": url, "MessageBody": body,
            "MessageAttributes": {"Kind": {"DataType": "String", "StringValue": "e2e"}}})
        assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), sent
        got = srv.result("sqs", "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 1,
                                                   "WaitTimeSeconds": 0, "MessageAttributeNames": ["All"]})
        [msg] = got["Messages"]
        assert msg["Body"] == body and msg["MessageId"] == sent["MessageId"], msg
        assert msg["MessageAttributes"]["Kind"]["StringValue"] == "e2e", msg
        srv.result("sqs", "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": msg["ReceiptHandle"]})
        listed = srv.result("sqs", "ListQueues", {"QueueNamePrefix": name})
        assert listed["QueueUrls"] == [url], listed
    finally:
        srv.result("sqs", "DeleteQueue", {"QueueUrl": url})
    srv.aws_error(("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"), 400,
                  "sqs", "GetQueueUrl", {"QueueName": name})


# ---------------------------------------------------------------------------------------------
# awsQuery: SNS, IAM, STS
# ---------------------------------------------------------------------------------------------


def test_sns_topics(srv):
    name = unique("e2e-topic")
    arn = srv.result("sns", "CreateTopic", {"Name": name, "Tags": [{"Key": "k", "Value": "v"}]})["TopicArn"]
    try:
        assert arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:{name}", arn
        msg = srv.result("sns", "Publish", {"TopicArn": arn, "Message": "hi", "Subject": "e2e"})
        assert re.fullmatch(r"[0-9a-f-]{36}", msg["MessageId"]), msg
        arns = srv.result("sns", "ListTopics", {}, paginate=True, query="Topics[].TopicArn")
        assert arn in arns, arns
        attrs = srv.result("sns", "GetTopicAttributes", {"TopicArn": arn})["Attributes"]
        assert attrs["TopicArn"] == arn, attrs
    finally:
        srv.result("sns", "DeleteTopic", {"TopicArn": arn})
    arns = srv.result("sns", "ListTopics", {}, paginate=True, query="Topics[].TopicArn")
    assert arn not in (arns or []), arns


def test_iam_users_and_roles(srv):
    user, role = unique("e2e-user"), unique("e2e-role")
    created = srv.result("iam", "CreateUser", {"UserName": user, "Tags": [{"Key": "team", "Value": "e2e"}]})
    made = None
    try:
        assert created["User"]["UserName"] == user, created
        assert created["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{user}", created
        got = srv.result("iam", "GetUser", {"UserName": user})["User"]
        assert got["UserId"] == created["User"]["UserId"] and is_iso(got["CreateDate"]), got
        names = srv.result("iam", "ListUsers", {}, paginate=True, query="Users[].UserName")
        assert user in names, names
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        made = srv.result("iam", "CreateRole", {"RoleName": role, "AssumeRolePolicyDocument": json.dumps(policy),
                                                "Path": "/e2e/"})["Role"]
        assert made["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/e2e/{role}", made
        doc = srv.result("iam", "GetRole", {"RoleName": role})["Role"]["AssumeRolePolicyDocument"]
        # IAM returns the document URL-encoded; botocore decodes it, a plain client may not.
        if isinstance(doc, str):
            doc = json.loads(urllib.parse.unquote(doc))
        assert doc == policy, doc
    finally:
        if made is not None:
            srv.result("iam", "DeleteRole", {"RoleName": role})
        srv.result("iam", "DeleteUser", {"UserName": user})
    srv.aws_error("NoSuchEntity", 404, "iam", "GetUser", {"UserName": user})


def test_sts_caller_identity(srv):
    data = srv.invoke("sts", "GetCallerIdentity", {})
    assert data["result"]["Account"] == ACCOUNT and data["result"]["Arn"] == CALLER_ARN, data
    assert data["identity"]["arn"] == CALLER_ARN, data
    assert data["service"] == "sts" and data["attempts"] == 1, data
    assert data["requestId"], data  # moto sends x-amzn-RequestId


# ---------------------------------------------------------------------------------------------
# EC2 (ec2Query), Lambda and API Gateway (restJson1), Route 53 (restXml)
# ---------------------------------------------------------------------------------------------


def test_ec2_vpcs(srv):
    name = unique("e2e-vpc")
    vpc = srv.result("ec2", "CreateVpc", {"CidrBlock": "10.77.0.0/16", "TagSpecifications": [
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}]})["Vpc"]
    try:
        assert vpc["CidrBlock"] == "10.77.0.0/16" and vpc["VpcId"].startswith("vpc-"), vpc
        found = srv.result("ec2", "DescribeVpcs", {"Filters": [{"Name": "tag:Name", "Values": [name]}]})
        assert [v["VpcId"] for v in found["Vpcs"]] == [vpc["VpcId"]], found
        assert {"Key": "Name", "Value": name} in found["Vpcs"][0]["Tags"], found
        assert found["Vpcs"][0]["IsDefault"] is False, found
        defaults = srv.result("ec2", "DescribeVpcs", {"Filters": [{"Name": "isDefault", "Values": ["true"]}]},
                              query="Vpcs[].IsDefault")
        assert defaults == [True], defaults
    finally:
        srv.result("ec2", "DeleteVpc", {"VpcId": vpc["VpcId"]})
    srv.aws_error("InvalidVpcID.NotFound", 400, "ec2", "DescribeVpcs", {"VpcIds": [vpc["VpcId"]]})


def test_lambda_list_and_missing_function(srv):
    listed = srv.result("lambda", "ListFunctions", {})
    assert isinstance(listed.get("Functions", []), list), listed
    name = unique("e2e-fn")
    err = srv.aws_error("ResourceNotFoundException", 404, "lambda", "GetFunction", {"FunctionName": name})
    assert name in err["message"], err


def test_api_gateway_rest_api(srv):
    name = unique("e2e-api")
    api = srv.invoke("api-gateway", "CreateRestApi", {"name": name, "description": "e2e"})
    assert api["service"] == "api-gateway", api
    api = api["result"]
    try:
        assert api["name"] == name and is_iso(api["createdDate"]), api
        got = srv.result("apigateway", "GetRestApi", {"restApiId": api["id"]})  # CLI name alias
        assert got["id"] == api["id"] and got["description"] == "e2e", got
        [root] = srv.result("api-gateway", "GetResources", {"restApiId": api["id"]})["items"]
        assert root["path"] == "/", root
        child = srv.result("api-gateway", "CreateResource", {"restApiId": api["id"], "parentId": root["id"],
                                                             "pathPart": "things"})
        assert child["path"] == "/things" and child["parentId"] == root["id"], child
    finally:
        srv.result("api-gateway", "DeleteRestApi", {"restApiId": api["id"]})
    srv.aws_error("NotFoundException", 404, "api-gateway", "GetRestApi", {"restApiId": api["id"]})


def test_route53_zone_and_records(srv):
    zone_name = f"{unique('e2e')}.example.com."
    created = srv.result("route-53", "CreateHostedZone", {"Name": zone_name, "CallerReference": uuid.uuid4().hex})
    zone_id = created["HostedZone"]["Id"]
    assert zone_id.startswith("/hostedzone/") and created["HostedZone"]["Name"] == zone_name, created
    record = {"Name": f"www.{zone_name}", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.7"}]}
    try:
        change = srv.result("route-53", "ChangeResourceRecordSets", {  # takes the /hostedzone/ form
            "HostedZoneId": zone_id,
            "ChangeBatch": {"Changes": [{"Action": "CREATE", "ResourceRecordSet": record}]}})
        assert is_iso(change["ChangeInfo"]["SubmittedAt"]), change
        sets = srv.result("route-53", "ListResourceRecordSets", {"HostedZoneId": zone_id})["ResourceRecordSets"]
        a = [s for s in sets if s["Type"] == "A"]
        assert len(a) == 1 and a[0]["Name"] == record["Name"] and a[0]["TTL"] == 60, sets
        assert a[0]["ResourceRecords"] == [{"Value": "192.0.2.7"}], a
        assert {"SOA", "NS"} <= {s["Type"] for s in sets}, sets
        got = srv.result("route-53", "GetHostedZone", {"Id": zone_id})
        assert got["HostedZone"]["Id"] == zone_id, got
        srv.result("route-53", "ChangeResourceRecordSets", {
            "HostedZoneId": zone_id,
            "ChangeBatch": {"Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]}})
    finally:
        srv.result("route-53", "DeleteHostedZone", {"Id": zone_id})


# ---------------------------------------------------------------------------------------------
# awsJson1_1: CloudWatch Logs, KMS, Secrets Manager, SSM, EventBridge
# ---------------------------------------------------------------------------------------------


def test_logs_through_the_alias(srv):
    group, stream = f"/e2e/{unique('group')}", "stream-1"
    data = srv.invoke("logs", "CreateLogGroup", {"logGroupName": group})
    assert data["service"] == "cloudwatch-logs", data
    try:
        srv.result("logs", "CreateLogStream", {"logGroupName": group, "logStreamName": stream})
        now = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)
        srv.result("cloudwatch-logs", "PutLogEvents", {"logGroupName": group, "logStreamName": stream, "logEvents": [
            {"timestamp": now, "message": "one"}, {"timestamp": now + 1, "message": "two"}]})
        events = srv.result("logs", "GetLogEvents", {"logGroupName": group, "logStreamName": stream,
                                                     "startFromHead": True})["events"]
        assert [e["message"] for e in events] == ["one", "two"], events
        assert events[0]["timestamp"] == now, events
        groups = srv.result("logs", "DescribeLogGroups", {"logGroupNamePrefix": group}, query="logGroups[].logGroupName")
        assert groups == [group], groups
    finally:
        srv.result("logs", "DeleteLogGroup", {"logGroupName": group})
    assert srv.result("logs", "DescribeLogGroups", {"logGroupNamePrefix": group}, query="logGroups") in ([], None)


def test_kms_encrypt_decrypt(srv):
    meta = srv.result("kms", "CreateKey", {"Description": "e2e " + uuid.uuid4().hex,
                                           "Tags": [{"TagKey": "team", "TagValue": "e2e"}]})["KeyMetadata"]
    key_id = meta["KeyId"]
    try:
        assert is_iso(meta["CreationDate"]) and meta["KeyState"] == "Enabled", meta
        plain = b"\x00secret\xffbytes" + os.urandom(16)
        enc = srv.result("kms", "Encrypt", {"KeyId": key_id, "Plaintext": b64(plain)})
        assert base64.b64decode(enc["CiphertextBlob"]) and enc["KeyId"].endswith(key_id), enc
        dec = srv.result("kms", "Decrypt", {"CiphertextBlob": enc["CiphertextBlob"]})
        assert base64.b64decode(dec["Plaintext"]) == plain and dec["KeyId"].endswith(key_id), dec
    finally:
        sched = srv.result("kms", "ScheduleKeyDeletion", {"KeyId": key_id, "PendingWindowInDays": 7})
        assert sched["KeyId"].endswith(key_id) and is_iso(sched["DeletionDate"]), sched
    state = srv.result("kms", "DescribeKey", {"KeyId": key_id}, query="KeyMetadata.KeyState")
    assert state == "PendingDeletion", state


def test_secrets_manager(srv):
    name, bin_name = unique("e2e/secret"), unique("e2e/binary")
    created = srv.invoke("secretsmanager", "CreateSecret", {"Name": name, "SecretString": '{"password": "pw"}'})
    assert created["service"] == "secrets-manager", created
    blob = os.urandom(32)
    try:
        assert created["result"]["Name"] == name, created
        value = srv.result("secrets-manager", "GetSecretValue", {"SecretId": name})
        assert value["SecretString"] == '{"password": "pw"}' and value["ARN"] == created["result"]["ARN"], value
        assert is_iso(value["CreatedDate"]) and value["VersionId"] == created["result"]["VersionId"], value
        srv.result("secrets-manager", "CreateSecret", {"Name": bin_name, "SecretBinary": b64(blob)})
        value = srv.result("secrets-manager", "GetSecretValue", {"SecretId": bin_name})
        assert base64.b64decode(value["SecretBinary"]) == blob, value
    finally:
        for n in (name, bin_name):
            gone = srv.result("secrets-manager", "DeleteSecret", {"SecretId": n, "ForceDeleteWithoutRecovery": True})
            assert gone["Name"] == n and is_iso(gone["DeletionDate"]), gone
    srv.aws_error("ResourceNotFoundException", 404, "secrets-manager", "GetSecretValue", {"SecretId": name})


def test_ssm_parameters(srv):
    path = f"/e2e/{uuid.uuid4().hex[:12]}"
    names = [f"{path}/plain", f"{path}/nested/secure"]
    try:
        put = srv.result("ssm", "PutParameter", {"Name": names[0], "Value": "v1", "Type": "String"})
        assert put["Version"] == 1, put
        srv.result("ssm", "PutParameter", {"Name": names[1], "Value": "s3cr3t", "Type": "SecureString"})
        got = srv.result("ssm", "GetParameter", {"Name": names[1], "WithDecryption": True})["Parameter"]
        assert got["Value"] == "s3cr3t" and got["Type"] == "SecureString" and is_iso(got["LastModifiedDate"]), got
        listed = srv.result("ssm", "GetParametersByPath", {"Path": path, "Recursive": True, "WithDecryption": True,
                                                           "MaxResults": 1},
                            paginate=True, query="Parameters[].[Name, Value]")
        assert sorted(listed) == sorted([[names[0], "v1"], [names[1], "s3cr3t"]]), listed
    finally:
        gone = srv.result("ssm", "DeleteParameters", {"Names": names})
        assert sorted(gone["DeletedParameters"]) == sorted(names), gone


def test_eventbridge_bus(srv):
    name = unique("e2e-bus")
    arn = srv.result("eventbridge", "CreateEventBus", {"Name": name})["EventBusArn"]
    try:
        assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/{name}", arn
        put = srv.result("eventbridge", "PutEvents", {"Entries": [
            {"Source": "e2e.test", "DetailType": "ping", "Detail": json.dumps({"n": 1}), "EventBusName": name}]})
        assert put["FailedEntryCount"] == 0 and len(put["Entries"]) == 1 and put["Entries"][0]["EventId"], put
        described = srv.result("events", "DescribeEventBus", {"Name": name})  # endpoint prefix alias
        assert described["Name"] == name and described["Arn"] == arn, described
    finally:
        srv.result("eventbridge", "DeleteEventBus", {"Name": name})
    listed = srv.result("eventbridge", "ListEventBuses", {"NamePrefix": name}, query="EventBuses[].Name")
    assert listed in ([], None), listed


# ---------------------------------------------------------------------------------------------
# Identity per call: roles, profiles, regions
# ---------------------------------------------------------------------------------------------


def test_assume_role_per_call(srv):
    role = f"arn:aws:iam::{ACCOUNT}:role/e2e-role"
    data = srv.invoke("sts", "GetCallerIdentity", {}, roleArn=role, sessionName="e2e-session",
                      externalId="e2e-external")
    expected = f"arn:aws:sts::{ACCOUNT}:assumed-role/e2e-role/e2e-session"
    assert data["result"]["Arn"] == expected, data
    assert data["identity"]["arn"] == expected and data["identity"]["roleArn"] == role, data
    # The same role for a real call.
    queues = srv.invoke("sqs", "ListQueues", {"QueueNamePrefix": unique("none")}, roleArn=role)
    assert queues["identity"]["roleArn"] == role, queues
    assert queues["identity"]["arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/e2e-role/"), queues

    other = "arn:aws:iam::999999999999:role/outside"
    err = srv.fails("IdentityNotAllowed", "sts", "GetCallerIdentity", {}, roleArn=other)
    assert ALLOWED_ROLES in err["allowed"], err
    assert other in err["message"], err


def test_profile_region_and_tool_region(srv):
    data = srv.invoke("sts", "GetCallerIdentity", {}, profile="dev")
    assert data["identity"]["profile"] == "dev", data
    assert data["region"] == "eu-west-1" and data["identity"]["region"] == "eu-west-1", data

    # The profile's region reaches the wire: a table made through it lives in eu-west-1 only.
    table = unique("e2e-profile")
    made = create_table(srv, table, profile="dev")
    try:
        assert made["region"] == "eu-west-1", made
        assert made["result"]["TableDescription"]["TableArn"].startswith("arn:aws:dynamodb:eu-west-1:"), made
        assert table in srv.result("dynamodb", "ListTables", {}, "eu-west-1", paginate=True)["TableNames"]
        assert table not in srv.result("dynamodb", "ListTables", {}, paginate=True)["TableNames"]
    finally:
        srv.result("dynamodb", "DeleteTable", {"TableName": table}, profile="dev")

    # The tool's region wins over the profile's and over AWS_REGION.
    data = srv.invoke("sts", "GetCallerIdentity", {}, "ap-southeast-2", profile="dev")
    assert data["region"] == "ap-southeast-2" and data["identity"]["region"] == "ap-southeast-2", data
    assert data["identity"]["profile"] == "dev", data

    missing = unique("no-such-profile")
    result = srv.execute("invoke", "sts", "GetCallerIdentity", {}, profile=missing)
    err = structured(result)["error"]
    assert result.is_error and err["type"] in ("CredentialsError", "IdentityNotAllowed"), err
    assert missing in err["message"], err


def test_bad_arguments_fail_before_the_network(srv):
    for region in ("US_EAST", "us east 1", "us-east-1/../x"):
        err = srv.fails("InvalidArguments", "sts", "GetCallerIdentity", {}, region)
        assert "region" in (err["message"] + err["hint"]).lower(), err
    srv.fails("InvalidArguments", "sqs", "ListQueues", {}, ["us-east-1", "BAD_REGION"])
    for bad in (0, 901):
        srv.fails("InvalidOptions", "sts", "GetCallerIdentity", {}, timeoutSeconds=bad)
    assert srv.result("sts", "GetCallerIdentity", {}, timeoutSeconds=30)["Account"] == ACCOUNT
    # Event-stream operations are refused.
    srv.fails("NotSupported", "lambda", "InvokeWithResponseStream", {"FunctionName": unique("fn")})


def test_missing_credentials(base_env, dirs, tmp_path):
    home = tmp_path / "empty-home"
    home.mkdir()
    env = server_env(base_env, HOME=str(home), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None,
                     AWS_CONFIG_FILE=str(home / "no-config"), AWS_SHARED_CREDENTIALS_FILE=str(home / "no-creds"))
    server = McpServer(env, tmp_path / "server.log")
    try:
        err = server.fails("CredentialsError", "sts", "GetCallerIdentity", {})
        assert err["hint"], err
        err = server.fails("CredentialsError", "s3", "ListBuckets", {})
        assert err["retryable"] is False, err
        # validate needs no credentials.
        assert_success(server.execute("validate", "s3", "ListBuckets", {}))
    finally:
        server.close()


def test_credential_process_fixed_without_a_restart(base_env, tmp_path):
    """A profile whose credential_process fails, then works: the same server picks it up."""
    state = tmp_path / "state"
    state.write_text("fail")
    script = tmp_path / "creds.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$(cat {state})" = fail ]; then echo "token expired, log in again" >&2; exit 1; fi\n'
        'echo \'{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "s", '
        '"SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}\'\n')
    script.chmod(0o755)
    config = tmp_path / "config"
    config.write_text(
        f"[profile proc]\ncredential_process = {script}\nregion = us-west-2\n"
        "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
        "sso_role_name = ReadOnly\nregion = us-east-1\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
    env = server_env(base_env, AWS_CONFIG_FILE=str(config),
                     AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-creds"),
                     AWS_MCP_ALLOWED_PROFILES="proc,sso")
    server = McpServer(env, tmp_path / "server.log")
    try:
        err = server.fails("CredentialsError", "sts", "GetCallerIdentity", {},
                           profile="proc")
        assert "credential_process" in err["hint"], err
        state.write_text("ok")
        data = assert_success(server.execute("invoke", "sts", "GetCallerIdentity", {},
                                             profile="proc"))
        assert data["identity"]["profile"] == "proc", data
        assert data["region"] == "us-west-2", data
        # An SSO profile without a cached token says which command to run.
        err = server.fails("CredentialsError", "sts", "GetCallerIdentity", {},
                           profile="sso")
        assert "aws sso login --profile sso" in err["hint"], err
        # A profile outside AWS_MCP_ALLOWED_PROFILES is refused with the allowed ones.
        err = server.fails("IdentityNotAllowed", "sts", "GetCallerIdentity", {},
                           profile="default")
        assert err["allowed"] == ["proc", "sso"], err
    finally:
        server.close()


# ---------------------------------------------------------------------------------------------
# Confirmation of destructive calls
# ---------------------------------------------------------------------------------------------


def test_confirmation_tokens(base_env, tmp_path):
    env = server_env(base_env, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE=None, AWS_MCP_CONFIRM_TTL_SECONDS="10")
    server = McpServer(env, tmp_path / "server.log")
    try:
        bucket = unique("e2e-confirm")
        # Creating is not destructive; reads never ask.
        assert_success(server.execute("invoke", "s3", "CreateBucket", {"Bucket": bucket}))
        assert_success(server.execute("invoke", "s3", "ListBuckets", {}))
        # Missing token: a summary of what and as whom, and a token.
        err = server.fails("ConfirmationRequired", "s3", "DeleteBucket", {"Bucket": bucket})
        summary = err["summary"]
        assert summary["operation"] == "DeleteBucket" and summary["region"] == "us-east-1", err
        assert summary["account"] == ACCOUNT and summary["arn"] == CALLER_ARN, err
        assert summary["resources"] == {"Bucket": bucket}, err
        assert bucket in err["message"] and err["retryable"] is False, err
        token = err["token"]
        # Another payload, region or identity: refused with what changed; the bucket stays.
        err = server.fails("InvalidConfirmationToken", "s3", "DeleteBucket", {"Bucket": bucket + "x"},
                           confirmationToken=token)
        assert "payload" in err["reason"], err
        err = server.fails("InvalidConfirmationToken", "s3", "DeleteBucket", {"Bucket": bucket},
                           region="eu-west-1", confirmationToken=token)
        assert "region" in err["reason"], err
        err = server.fails("InvalidConfirmationToken", "s3", "DeleteBucket", {"Bucket": bucket},
                           confirmationToken=token, roleArn="arn:aws:iam::123456789012:role/other")
        assert "identity" in err["reason"], err
        err = server.fails("InvalidConfirmationToken", "s3", "DeleteBucket", {"Bucket": bucket},
                           confirmationToken=token[:-4] + "AAAA")
        assert err["reason"], err
        assert_success(server.execute("invoke", "s3", "HeadBucket", {"Bucket": bucket}))
        # The right token runs the call once; a replay is refused.
        assert_success(server.execute("invoke", "s3", "DeleteBucket", {"Bucket": bucket},
                                      confirmationToken=token))
        err = server.fails("InvalidConfirmationToken", "s3", "DeleteBucket", {"Bucket": bucket},
                           confirmationToken=token)
        assert "already used" in err["reason"], err
        # Expired.
        err = server.fails("ConfirmationRequired", "sqs", "DeleteQueue",
                           {"QueueUrl": f"{MOTO_ENDPOINT}/{ACCOUNT}/nope"})
        time.sleep(11.5)
        err = server.fails("InvalidConfirmationToken", "sqs", "DeleteQueue",
                           {"QueueUrl": f"{MOTO_ENDPOINT}/{ACCOUNT}/nope"}, confirmationToken=err["token"])
        assert "expired" in err["reason"], err
        # A preview sends nothing and needs no confirmation.
        assert_success(server.execute("invoke", "s3", "DeleteBucket", {"Bucket": bucket}, preview=True))
    finally:
        server.close()


def test_confirmation_by_elicitation(base_env, tmp_path):
    answers = []

    async def answer(context, params):
        import mcp.types as t
        action = answers.pop(0)
        if action == "slow":
            await asyncio.sleep(5)
            action = "accept"
        content = {"confirm": True} if action == "accept" else ({"confirm": False} if action == "untick" else None)
        return t.ElicitResult(action="accept" if action in ("accept", "untick") else action, content=content)

    env = server_env(base_env, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE=None, AWS_MCP_ELICITATION_TIMEOUT="2")
    server = McpServer(env, tmp_path / "server.log", elicitation=answer)
    try:
        queue = unique("e2e-elicit")
        url = server.result("sqs", "CreateQueue", {"QueueName": queue})["QueueUrl"]
        # Decline, cancel, an unticked form and a slow answer are never consent: a token instead.
        for action, said in [("decline", "declined"), ("cancel", "dismissed"),
                             ("untick", "declined"), ("slow", "no answer in time")]:
            answers.append(action)
            err = server.fails("ConfirmationRequired", "sqs", "DeleteQueue", {"QueueUrl": url})
            assert said in err["hint"], (action, err)
            assert err["token"], err
        assert server.result("sqs", "GetQueueUrl", {"QueueName": queue})["QueueUrl"] == url
        # Accept: the call runs.
        answers.append("accept")
        assert_success(server.execute("invoke", "sqs", "DeleteQueue", {"QueueUrl": url}))
        server.aws_error(("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"), 400,
                         "sqs", "GetQueueUrl", {"QueueName": queue})
    finally:
        server.close()


# ---------------------------------------------------------------------------------------------
# A preview is what is then sent
# ---------------------------------------------------------------------------------------------


class Recorder(http.server.ThreadingHTTPServer):
    """Records every request; answers SQS JSON calls `{}`, S3 PUTs with an ETag, and STS
    GetCallerIdentity (in case the server asks who it is) with moto's identity."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RecorderHandler)
        self.requests = []

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class RecorderHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self):
        body = self._body()
        if b"Action=GetCallerIdentity" in body or b"Action=AssumeRole" in body:
            xml = ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                   f"<GetCallerIdentityResult><Arn>{CALLER_ARN}</Arn><UserId>AKIAE2E</UserId>"
                   f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult>"
                   "<ResponseMetadata><RequestId>rec-sts</RequestId></ResponseMetadata>"
                   "</GetCallerIdentityResponse>").encode()
            return self._answer(200, "text/xml", xml)
        self.server.requests.append({"method": self.command, "path": self.path,
                                     "headers": [(k.lower(), v) for k, v in self.headers.items()],
                                     "body": body})
        if (self.headers.get("X-Amz-Target") or "").startswith("AmazonSQS."):
            return self._answer(200, "application/x-amz-json-1.0", b"{}")
        if self.command == "PUT":
            return self._answer(200, None, b"", {"ETag": '"d41d8cd98f00b204e9800998ecf8427e"'})
        return self._answer(400, "application/json", b'{"__type": "Unexpected", "message": "recorder"}')

    def _answer(self, status, content_type, body, extra=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("x-amzn-RequestId", "rec-" + uuid.uuid4().hex[:8])
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


def test_preview_is_what_is_sent(base_env, tmp_path):
    recorder = Recorder()
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    server = McpServer(server_env(base_env, AWS_ENDPOINT_URL=recorder.endpoint), tmp_path / "server.log")
    try:
        cases = [
            # Explicit values everywhere (no generated tokens): the payload is deterministic.
            ("sqs", "ListQueues", {"QueueNamePrefix": "e2e-", "MaxResults": 5, "NextToken": "explicit-token"}),
            ("s3", "PutObject", {"Bucket": "e2e-preview", "Key": "a b/c.txt", "Body": b64(b"exact bytes"),
                                 "ContentType": "text/plain"}),
        ]
        for service, operation, payload in cases:
            recorder.requests.clear()
            preview = assert_success(server.execute("invoke", service, operation, payload, preview=True))["preview"]
            assert recorder.requests == [], recorder.requests  # a preview sends nothing
            server.invoke(service, operation, payload)
            assert len(recorder.requests) == 1, recorder.requests
            sent = recorder.requests[0]
            url = urllib.parse.urlsplit(preview["url"])
            assert f"{url.scheme}://{url.netloc}" == recorder.endpoint, preview["url"]
            target = url.path + (f"?{url.query}" if url.query else "")
            assert (preview["method"], target) == (sent["method"], sent["path"]), (preview, sent)
            assert preview_body(preview) == sent["body"], (preview, sent["body"])
            sent_headers = dict(sent["headers"])
            for name, value in preview["headers"].items():
                if name.lower() in ("authorization", "x-amz-security-token"):
                    assert value == "** redacted **", (name, value)
                elif name.lower() in sent_headers and name.lower() not in (
                        "x-amz-date", "amz-sdk-invocation-id", "amz-sdk-request"):
                    assert value == sent_headers[name.lower()], (name, value, sent_headers[name.lower()])
            preview_names = sorted(k.lower() for k in preview["headers"])
            sent_names = sorted(sent_headers)
            assert preview_names == sent_names, (service, "only in the preview:",
                                                 sorted(set(preview_names) - set(sent_names)),
                                                 "only sent:", sorted(set(sent_names) - set(preview_names)))
    finally:
        server.close()
        recorder.shutdown()
        recorder.server_close()
