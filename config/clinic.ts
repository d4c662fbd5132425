import { type ClinicConfig, clinicConfigSchema } from '../functions/config/clinic-schema';

/**
 * The one typed configuration file for a deployment. Edit these values for your practice;
 * infra/, the local stack, the landing page and the email build all read them from here.
 */
export const clinicConfig: ClinicConfig = clinicConfigSchema.parse({
  practice: {
    name: 'Tampa Bay Plastic Surgery',
    surgeon: 'Dr. David E. Halpern',
    postalAddress: 'Hyde Park, South Tampa, FL 33606, USA',
    phone: '(813) 555-0142',
    timeZone: 'America/New_York',
    siteUrl: 'https://consult.example.com',
  },
  mail: {
    fromAddress: 'care@mail.example.com',
    replyToAddress: 'frontdesk@example.com',
    staffAddresses: ['frontdesk@example.com'],
    sendingDomain: 'mail.example.com',
  },
  site: {
    allowedOrigins: ['https://consult.example.com'],
  },
  sending: {
    defaultSequenceId: 'exosome-aftercare',
  },
});
