// Russian catalogue of the shell's messages (terms from docs GLOSSARY.md).
import type { Catalogue } from '../types';

export const ru: Catalogue = {
  'app.name': 'Компьютерное тестирование',
  'app.loading': 'Загрузка…',
  'app.offline': 'Нет связи с сервером пункта тестирования. Ваши ответы сохраняются на этом компьютере.',
  'app.online': 'Связь есть',
  'app.update-ready': 'Готова новая версия.',
  'app.update-apply': 'Обновить',
  'app.update-after-attempt': 'Она будет установлена после завершения тестирования.',

  'language.label': 'Язык',
  'language.test-language': 'Язык тестирования',

  'area.candidate': 'Тестируемый',
  'area.proctor': 'Проктор',
  'area.central': 'Центральный офис',

  'sign-in.title': 'Вход',
  'sign-in.iin': 'ИИН',
  'sign-in.enter-iin': 'Введите ИИН',
  'sign-in.iin-invalid': 'Некорректный ИИН',
  'sign-in.access-code': 'Код доступа',
  'sign-in.access-code-wrong': 'Неверный код',
  'sign-in.password': 'Пароль',
  'sign-in.submit': 'Войти',
  'sign-in.placeholder': 'Вход в этот раздел готовится.',

  'common.confirm': 'Подтвердить',
  'common.cancel': 'Отмена',
  'common.close': 'Закрыть',
  'common.save': 'Сохранить',
  'common.error': 'Ошибка',
  'common.try-again': 'Попробуйте ещё раз',
  'common.required': 'Необходимо заполнить',
  'common.attention': 'Внимание!',
  'common.help': 'Справка',

  'sync.title': 'Синхронизация',
  'sync.pending': {
    one: '# событие ожидает отправки',
    few: '# события ожидают отправки',
    many: '# событий ожидают отправки',
    other: '# события ожидают отправки',
  },
  'sync.all-sent': 'Всё отправлено',
  'sync.waiting-server': 'Дождитесь ответа от сервера!',
  'sync.last-ack': 'Последнее подтверждение: {time}',

  'storage.full': 'На этом компьютере закончилось место. Сообщите проктору; не закрывайте страницу.',
  'storage.failed': 'Не удалось сохранить на этом компьютере. Сообщите проктору; не закрывайте страницу.',
};
