/** The message key naming each proctor decision, for the lists of pending and refused actions. */
export const ACTION_KEYS: Readonly<Record<string, string>> = {
  'proctor.check-in': 'pr.action.check-in',
  'proctor.identity-verified': 'pr.action.identity-match',
  'proctor.authorise': 'pr.action.authorise',
  'proctor.pause': 'pr.action.pause',
  'proctor.resume': 'pr.action.resume',
  'proctor.extend': 'pr.action.extend',
  'proctor.move-seat': 'pr.action.move',
  'proctor.remove': 'pr.action.remove',
  'proctor.incident': 'pr.incidents.add',
  'proctor.violation-reviewed': 'pr.violations.title',
  'proctor.appeal-acknowledged': 'pr.appeals.acknowledge',
  'proctor.room-closed': 'pr.close.submit',
};
