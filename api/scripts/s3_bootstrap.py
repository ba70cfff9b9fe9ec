"""Makes the test S3 server check signatures for real: creates an IAM user with an access
key (the built-in root keys skip header signature checks) and a bucket. Prints
`KEY SECRET`. Usage: s3_bootstrap.py ENDPOINT BUCKET [KEYS_FILE]: keys already in
KEYS_FILE are printed again when this server still knows them (it keeps them in memory, so
a restarted server, or another checkout's, does not). Uses only botocore (ministack's)."""
import sys

import botocore.session

endpoint, bucket = sys.argv[1], sys.argv[2]
session = botocore.session.get_session()


def works(key_id, secret):
    s3 = session.create_client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=key_id, aws_secret_access_key=secret,
    )
    try:
        s3.head_bucket(Bucket=bucket)
        return True
    except Exception:
        return False


if len(sys.argv) > 3:
    try:
        known = open(sys.argv[3]).read().split()
    except OSError:
        known = []
    if len(known) == 2 and works(*known):
        print(*known)
        sys.exit(0)
root = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
iam = session.create_client("iam", **root)
try:
    iam.create_user(UserName="parley")
except iam.exceptions.EntityAlreadyExistsException:
    pass
iam.put_user_policy(
    UserName="parley",
    PolicyName="s3",
    PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
)
key = iam.create_access_key(UserName="parley")["AccessKey"]
s3 = session.create_client(
    "s3", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
)
try:
    s3.create_bucket(Bucket=bucket)
except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
    pass
print(key["AccessKeyId"], key["SecretAccessKey"])
