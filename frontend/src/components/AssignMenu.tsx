// The Assign menu of a customer conversation, in its header and on its
// list row: assign to me, to a support teammate, or unassign.

import type { Conversation } from '../lib/types';
import { isSupport, me } from '../stores/session';
import { assign, assignable, loadTeammates } from '../stores/teamwork';
import { t } from '../lib/i18n';
import { tWith } from '../lib/format';
import { useMenu } from '../lib/menu';

/** The Assign menu: to me, to a support teammate, or nobody (customer conversations). */
export function AssignMenu({ c, label }: { c: Conversation; label?: string }) {
  const [openMenu, setOpen, ref] = useMenu();
  const myId = me.value?.id;
  const pick = (user: number) => () => {
    setOpen(false);
    assign(c.id, user);
  };
  return (
    <div class="link-menu assign-menu" ref={ref}>
      <button aria-haspopup="menu" aria-expanded={openMenu} title={t('assign.assignee')} aria-label={label ? t('assign.conversation_menu') : undefined}
        onClick={(e) => (e.stopPropagation(), setOpen(!openMenu), loadTeammates())}>
        {label ?? <>{c.assignee ? <bdi>{c.assignee.id === myId ? t('common.you') : c.assignee.name}</bdi> : t('assign.unassigned')} ▾</>}
      </button>
      {openMenu && (
        <div class="menu" role="menu" onClick={(e) => e.stopPropagation()}>
          {myId && c.assignee?.id !== myId && isSupport.value && <button role="menuitem" onClick={pick(myId)}>{t('assign.assign_to_me')}</button>}
          {assignable()
            .filter((u) => u.id !== myId && u.id !== c.assignee?.id)
            .map((u) => (
              <button role="menuitem" key={u.id} onClick={pick(u.id)}>
                <span class={`dot ${u.online ? 'online' : 'away'}`} /> {tWith('assign.assign_to', 'name', <bdi>{u.name}</bdi>)}
              </button>
            ))}
          {c.assignee && <button role="menuitem" onClick={pick(0)}>{t('assign.unassign')}</button>}
        </div>
      )}
    </div>
  );
}

