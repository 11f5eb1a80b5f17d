// English catalogue of the shell's messages. en is the reference: kk and ru must
// carry exactly the same keys (checked by client/i18n/catalogues.test.ts).
import type { Message } from '../types';

export const en = {
  'app.name': 'Computer-based testing',
  'app.loading': 'Loading…',
  'app.offline': 'No connection to the venue server. Your work is saved on this computer.',
  'app.online': 'Connected',
  'app.update-ready': 'A new version is ready.',
  'app.update-apply': 'Update now',
  'app.update-after-attempt': 'It will be installed after the test ends.',

  'language.label': 'Language',
  'language.test-language': 'Test language',

  'area.candidate': 'Candidate',
  'area.proctor': 'Proctor',
  'area.central': 'Central office',

  'sign-in.title': 'Sign in',
  'sign-in.iin': 'IIN',
  'sign-in.enter-iin': 'Enter your IIN',
  'sign-in.iin-invalid': 'Invalid IIN',
  'sign-in.access-code': 'Access code',
  'sign-in.access-code-wrong': 'Wrong code',
  'sign-in.password': 'Password',
  'sign-in.submit': 'Sign in',
  'sign-in.placeholder': 'Sign-in for this area is being prepared.',

  'common.confirm': 'Confirm',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.save': 'Save',
  'common.error': 'Error',
  'common.try-again': 'Try again',
  'common.required': 'Required field',
  'common.attention': 'Attention!',
  'common.help': 'Help',

  'sync.title': 'Synchronization',
  'sync.pending': { one: '# event waiting to be sent', other: '# events waiting to be sent' },
  'sync.all-sent': 'Everything has been sent',
  'sync.waiting-server': 'Waiting for the server',
  'sync.last-ack': 'Last confirmed: {time}',

  'storage.full': 'This computer has run out of storage space. Tell the proctor now; do not close the page.',
  'storage.failed': 'Could not save on this computer. Tell the proctor now; do not close the page.',
} satisfies Record<string, Message>;
