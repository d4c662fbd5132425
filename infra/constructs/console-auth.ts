import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { GROUPS, type Group } from '../../functions/admin/contract';

/**
 * What the console asks Cognito for (its console-config.json names them) and all the client
 * allows: `openid` for the sign-in itself, `email` so the ID token carries the address that test
 * sends go to. No `profile`, `phone` or `aws.cognito.signin.user.admin`.
 */
export const CONSOLE_SCOPES = [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL] as const;

/** Who may do what is decided by the admin API from these groups (functions/admin/auth.ts). */
const GROUP_DESCRIPTIONS: Record<Group, string> = {
  marketing: 'Marketing staff: leads, timelines, sequence drafts, publishing, simulator, results',
  admin: 'Everything marketing may do, plus GDPR erasure, clinical sign-off and CSV imports',
};

/** How long the invitation's temporary password works: long enough for a weekend, not a holiday. */
const TEMPORARY_PASSWORD_VALIDITY = Duration.days(3);

const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ConsoleAuthProps {
  /** The Hosted UI's prefix (`console.domainPrefix`). */
  readonly domainPrefix: string;
  /** How long staff stay signed in: the refresh token's validity (`console.sessionLength`). */
  readonly sessionLength: Duration;
  /** ID and access token validity (`console.tokenValidity`). */
  readonly tokenValidity: Duration;
  /** The console's address (`<site>/console/`): where the Hosted UI returns after sign-in and sign-out. */
  readonly consoleUrl: string;
  readonly practiceName: string;
}

/** Cognito's limits, checked here so that the message names the setting to change. */
function checkTokenValidity(props: ConsoleAuthProps): void {
  const tokenMinutes = props.tokenValidity.toMinutes();
  const sessionMinutes = props.sessionLength.toMinutes();
  if (tokenMinutes < 5 || tokenMinutes > 24 * 60) {
    throw new Error(`console.tokenValidity must be between 5 minutes and 1 day, not ${tokenMinutes} minutes`);
  }
  if (sessionMinutes < 60 || sessionMinutes > 3650 * 24 * 60) {
    throw new Error(`console.sessionLength must be between 1 hour and 10 years, not ${sessionMinutes} minutes`);
  }
  if (tokenMinutes >= sessionMinutes) {
    throw new Error(
      'console.tokenValidity must be shorter than console.sessionLength, or the tokens could not be renewed',
    );
  }
}

/**
 * Who may use the marketing console: a Cognito user pool of staff accounts that only an
 * administrator creates (no self sign-up), with the email address as user name, a strong
 * password, TOTP MFA required and Cognito's threat protection enforced; the `marketing` and
 * `admin` groups; a public app client for the console (authorization code with PKCE, no secret,
 * refresh tokens that sign-out revokes) that may only return to the console's own URL; and the
 * Hosted UI that signs staff in.
 *
 * The pool holds staff identities and is kept on stack delete, with deletion protection on.
 */
export class ConsoleAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly groups: Record<Group, cognito.UserPoolGroup>;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the Hosted UI's origin. */
  readonly hostedUiUrl: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of the pool's tokens. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: ConsoleAuthProps) {
    super(scope, id);
    if (!PREFIX.test(props.domainPrefix) || /aws|amazon|cognito/.test(props.domainPrefix)) {
      throw new Error(
        `console.domainPrefix "${props.domainPrefix}" is not a Cognito domain prefix: 1 to 63 lower-case letters, ` +
          'digits and inner hyphens, without "aws", "amazon" or "cognito"',
      );
    }
    checkTokenValidity(props);
    // A literal console URL (custom domain) can go into the invitation; the CloudFront name cannot,
    // because the distribution already depends on this pool (its CSP names the Hosted UI).
    const where = Token.isUnresolved(props.consoleUrl) ? 'the marketing console' : props.consoleUrl;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: TEMPORARY_PASSWORD_VALIDITY,
      },
      // Staff see health-related lead data and can erase leads: a password alone is not enough.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential checks and adaptive authentication, enforced. Priced per
      // monthly active user, which for a practice's few staff accounts is cents a month.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: `Your ${props.practiceName} marketing console account`,
        emailBody:
          `You have been given an account for ${where}. Sign in with {username} and the temporary ` +
          'password {####}, then choose your own password and set up an authenticator app. The temporary ' +
          `password expires in ${TEMPORARY_PASSWORD_VALIDITY.toDays()} days.`,
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.groups = Object.fromEntries(
      GROUPS.map((group) => [
        group,
        this.userPool.addGroup(`${group.charAt(0).toUpperCase()}${group.slice(1)}Group`, {
          groupName: group,
          description: GROUP_DESCRIPTIONS[group],
        }),
      ]),
    ) as Record<Group, cognito.UserPoolGroup>;

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'marketing-console',
      // A browser app cannot keep a secret: the code exchange is protected by PKCE instead.
      generateSecret: false,
      // Sign-in through the Hosted UI only: no SRP or password flows on the API. Refreshing stays
      // allowed (ALLOW_REFRESH_TOKEN_AUTH): the console renews its tokens at /oauth2/token with
      // grant_type=refresh_token.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [...CONSOLE_SCOPES],
        callbackUrls: [props.consoleUrl],
        logoutUrls: [props.consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // Signing out revokes the refresh token (/oauth2/revoke), so it cannot renew anything after.
      enableTokenRevocation: true,
      // Equal on purpose: the console renews by the access token's expiry and sends the ID token.
      accessTokenValidity: props.tokenValidity,
      idTokenValidity: props.tokenValidity,
      refreshTokenValidity: props.sessionLength,
    });

    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    this.hostedUiUrl = this.domain.baseUrl();
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;

    const region = Stack.of(this).region;
    const pool = this.userPool.userPoolId;
    new CfnOutput(this, 'UserPoolId', { description: 'Marketing console user pool', value: pool });
    new CfnOutput(this, 'ClientId', {
      description: 'Marketing console app client',
      value: this.client.userPoolClientId,
    });
    new CfnOutput(this, 'HostedUiUrl', { description: 'Cognito Hosted UI of the console', value: this.hostedUiUrl });
    new CfnOutput(this, 'ConsoleUrl', { description: 'Marketing console', value: props.consoleUrl });
    new CfnOutput(this, 'CreateAdminUserCommand', {
      description:
        'Creates a console user (Cognito emails a temporary password) and puts them in the admin group; ' +
        'set EMAIL first, and use --group-name marketing for marketing staff',
      value:
        `aws cognito-idp admin-create-user --region ${region} --user-pool-id ${pool} --username "$EMAIL" ` +
        '--user-attributes Name=email,Value="$EMAIL" Name=email_verified,Value=true --desired-delivery-mediums EMAIL && ' +
        `aws cognito-idp admin-add-user-to-group --region ${region} --user-pool-id ${pool} --username "$EMAIL" ` +
        '--group-name admin',
    });
  }
}
