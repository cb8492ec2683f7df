/**
 * The stable codes of answers given in more than one place, each with its message stated once:
 * a client reads the code, a person the message.
 */
export const LEDGER_NOT_READY = {
  code: 'LEDGER_NOT_READY',
  message:
    'the ledger is being reconciled with the durable record for this campaign; retry shortly',
} as const;

export const CAMPAIGN_NOT_FOUND = {
  code: 'CAMPAIGN_NOT_FOUND',
  message: 'no such campaign',
} as const;

export const CAMPAIGN_PAUSED = {
  code: 'CAMPAIGN_PAUSED',
  message: 'the campaign is paused by its operator; retry later',
} as const;
