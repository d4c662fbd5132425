import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withCallRecorder } from './aws-call-recorder';

/**
 * The one place AWS clients are built. Lambda entries call these once at module scope;
 * the local stack and tests pass endpoints for DynamoDB Local and the local SES.
 */
export function createDocumentClient(options: { endpoint?: string } = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 4,
  });
  return DynamoDBDocumentClient.from(withCallRecorder(client, 'dynamodb'), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createSesClient(options: { endpoint?: string } = {}): SESv2Client {
  const client = new SESv2Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Throttling is paced and retried by the sender itself, so the SDK does not retry blindly.
    maxAttempts: 2,
  });
  return withCallRecorder(client, 'ses');
}

export function createSqsClient(): SQSClient {
  return withCallRecorder(new SQSClient({}), 'sqs');
}

export function createSecretsManagerClient(): SecretsManagerClient {
  return withCallRecorder(new SecretsManagerClient({}), 'secretsmanager');
}
