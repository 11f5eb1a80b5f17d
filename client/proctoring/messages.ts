/**
 * Texts of the proctoring screens in kk, ru and en: identity photo hints, the camera's
 * state, and the notice of a new violation. Added to the shell's catalogues when the
 * candidate area loads.
 */
import { extendMessages } from '../i18n';
import type { Message } from '../i18n/types';

const en: Record<string, Message> = {
  'proct.photo.title': 'Identity photo',
  'proct.photo.intro': 'Look straight at the camera. The photo is taken as soon as your face is clearly visible.',
  'proct.photo.starting': 'Turning the camera on…',
  'proct.photo.hint.no-face': 'No face can be seen. Sit in front of the camera.',
  'proct.photo.hint.several-people': 'More than one person is in view. Only you may be in front of the camera.',
  'proct.photo.hint.come-closer': 'Come closer to the camera.',
  'proct.photo.hint.more-light': 'It is too dark. Turn on more light.',
  'proct.photo.hint.centre-face': 'Centre your face in the frame and look straight at the camera.',
  'proct.photo.taken': 'Your photo has been taken. The proctor will check it.',
  'proct.photo.retake': 'Take again',
  'proct.camera.denied': 'The camera is blocked. Allow this page to use the camera, or ask the proctor.',
  'proct.camera.missing': 'No camera was found. Ask the proctor.',
  'proct.camera.failed': 'The camera could not be started. Ask the proctor.',
  'proct.camera.required': 'This test cannot start without the camera. Ask the proctor.',
  'proct.photo.required': 'Wait until your photo is taken before you start.',
  'proct.notice.new': 'New violation: {kind}',
  'proct.kind.no-face': 'no face in the camera',
  'proct.kind.multiple-faces': 'more than one person in the camera',
  'proct.kind.head-turned': 'head turned away',
  'proct.kind.camera-dark': 'the camera is too dark',
  'proct.kind.camera-lost': 'the camera is lost',
  'proct.kind.focus-lost': 'left the test window',
  'proct.kind.fullscreen-left': 'left full screen',
  'proct.kind.hotkey': 'a forbidden key',
  'proct.kind.context-menu': 'the context menu',
  'proct.kind.zoom-changed': 'the page zoom changed',
  'proct.kind.second-screen': 'a second screen',
  'proct.kind.page-reloaded': 'the page was reloaded',
  'proct.kind.voice-noise': 'voice or noise',
  'proct.kind.monitor-failed': 'the monitoring stopped',
};

const ru: Record<string, Message> = {
  'proct.photo.title': 'Фото для идентификации',
  'proct.photo.intro': 'Смотрите прямо в камеру. Фото будет сделано, как только ваше лицо будет хорошо видно.',
  'proct.photo.starting': 'Включается камера…',
  'proct.photo.hint.no-face': 'Лицо не видно. Сядьте перед камерой.',
  'proct.photo.hint.several-people': 'В кадре больше одного человека. Перед камерой должны быть только вы.',
  'proct.photo.hint.come-closer': 'Сядьте ближе к камере.',
  'proct.photo.hint.more-light': 'Слишком темно. Включите больше света.',
  'proct.photo.hint.centre-face': 'Расположите лицо в центре кадра и смотрите прямо в камеру.',
  'proct.photo.taken': 'Ваше фото сделано. Администратор его проверит.',
  'proct.photo.retake': 'Сделать заново',
  'proct.camera.denied': 'Доступ к камере запрещён. Разрешите странице использовать камеру или обратитесь к администратору.',
  'proct.camera.missing': 'Камера не найдена. Обратитесь к администратору.',
  'proct.camera.failed': 'Не удалось включить камеру. Обратитесь к администратору.',
  'proct.camera.required': 'Это тестирование нельзя начать без камеры. Обратитесь к администратору.',
  'proct.photo.required': 'Дождитесь, пока будет сделано ваше фото.',
  'proct.notice.new': 'Новое нарушение: {kind}',
  'proct.kind.no-face': 'лицо не обнаружено',
  'proct.kind.multiple-faces': 'несколько человек в кадре',
  'proct.kind.head-turned': 'взгляд в сторону',
  'proct.kind.camera-dark': 'камера затемнена',
  'proct.kind.camera-lost': 'камера потеряна',
  'proct.kind.focus-lost': 'фокус экрана тестирования потерян',
  'proct.kind.fullscreen-left': 'выход из полноэкранного режима',
  'proct.kind.hotkey': 'запрещённая клавиша',
  'proct.kind.context-menu': 'контекстное меню',
  'proct.kind.zoom-changed': 'изменён масштаб страницы',
  'proct.kind.second-screen': 'второй экран',
  'proct.kind.page-reloaded': 'страница перезагружена',
  'proct.kind.voice-noise': 'голос или шум',
  'proct.kind.monitor-failed': 'наблюдение остановлено',
};

const kk: Record<string, Message> = {
  'proct.photo.title': 'Сәйкестендіру фотосы',
  'proct.photo.intro': 'Камераға тура қараңыз. Бетіңіз анық көрінген кезде фото түсіріледі.',
  'proct.photo.starting': 'Камера қосылуда…',
  'proct.photo.hint.no-face': 'Бетіңіз камерада көрінбейді. Камераның алдына отырыңыз.',
  'proct.photo.hint.several-people': 'Кадрда бірнеше адам бар. Камера алдында тек сіз болуыңыз керек.',
  'proct.photo.hint.come-closer': 'Камераға жақынырақ отырыңыз.',
  'proct.photo.hint.more-light': 'Тым қараңғы. Жарықты көбейтіңіз.',
  'proct.photo.hint.centre-face': 'Бетіңізді кадрдың ортасына келтіріп, камераға тура қараңыз.',
  'proct.photo.taken': 'Фотоңыз түсірілді. Оны әкімші тексереді.',
  'proct.photo.retake': 'Қайта түсіру',
  'proct.camera.denied': 'Камераға рұқсат берілмеген. Браузерде камераны қолдануға рұқсат беріңіз немесе әкімшіге хабарласыңыз.',
  'proct.camera.missing': 'Камера табылмады. Әкімшіге хабарласыңыз.',
  'proct.camera.failed': 'Камераны қосу мүмкін болмады. Әкімшіге хабарласыңыз.',
  'proct.camera.required': 'Бұл тестілеуді камерасыз бастауға болмайды. Әкімшіге хабарласыңыз.',
  'proct.photo.required': 'Фотоңыз түсірілгенше күтіңіз.',
  'proct.notice.new': 'Жаңа бұзушылық: {kind}',
  'proct.kind.no-face': 'бет анықталмады',
  'proct.kind.multiple-faces': 'бірнеше адам',
  'proct.kind.head-turned': 'экраннан басқа жаққа қарау',
  'proct.kind.camera-dark': 'камера тым қараңғы',
  'proct.kind.camera-lost': 'камера жоғалды',
  'proct.kind.focus-lost': 'тестілеу терезесінен шығу',
  'proct.kind.fullscreen-left': 'толық экраннан шығу',
  'proct.kind.hotkey': 'тыйым салынған перне',
  'proct.kind.context-menu': 'контекстік мәзір',
  'proct.kind.zoom-changed': 'бет масштабы өзгертілді',
  'proct.kind.second-screen': 'екінші экран',
  'proct.kind.page-reloaded': 'бет қайта жүктелді',
  'proct.kind.voice-noise': 'дауыс немесе шу',
  'proct.kind.monitor-failed': 'бақылау тоқтады',
};

/** The proctoring texts by language. */
export const PROCTORING_MESSAGES = { en, ru, kk } as const;

let isInstalled = false;

/** Adds the proctoring texts to the shared catalogues (once). */
export function installProctoringMessages(): void {
  if (isInstalled) return;
  extendMessages({ en, ru, kk });
  isInstalled = true;
}
