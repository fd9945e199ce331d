(()=>{(()=>{let p=window;if(p.deskchat?.loaded)return;let u=document.currentScript??document.querySelector('script[src*="/widget.js"]');if(!u)return;let a=new URL(u.src).origin,r=document.createElement("div");r.setAttribute("data-deskchat","");let g=r.attachShadow({mode:"open"}),l=document.createElement("style");l.textContent=`
    :host { all: initial; }
    button { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%;
      border: 0; background: #2563eb; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25);
      z-index: 2147483646; font: 600 24px/56px system-ui, sans-serif; padding: 0; }
    button:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
    .badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; border-radius: 10px;
      background: #dc2626; color: #fff; font: 700 12px/20px system-ui, sans-serif; text-align: center; padding: 0 4px; }
    .badge[hidden] { display: none; }
    iframe { position: fixed; right: 20px; bottom: 88px; width: 380px; height: min(600px, calc(100vh - 108px));
      border: 0; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); z-index: 2147483647; background: #fff; }
    iframe[hidden] { display: none; }
    @media (max-width: 480px) {
      iframe { right: 0; bottom: 0; width: 100vw; height: 100vh; border-radius: 0; }
    }`;let e=document.createElement("button");e.type="button",e.setAttribute("aria-label","Open chat"),e.setAttribute("aria-expanded","false"),e.textContent="\u{1F4AC}";let i=document.createElement("span");i.className="badge",i.hidden=!0,i.setAttribute("aria-label","unread messages"),e.append(i);let t=document.createElement("iframe");t.title="Chat window",t.hidden=!0,t.src=`${a}/widget/frame?origin=${encodeURIComponent(location.origin)}`,g.append(l,t,e);let f=!1,b=[],s=o=>{f&&t.contentWindow?t.contentWindow.postMessage(o,a):b.push(o)},h=()=>{t.hidden=!1,e.setAttribute("aria-expanded","true"),e.setAttribute("aria-label","Close chat"),s({type:"open"})},c=()=>{t.hidden=!0,e.setAttribute("aria-expanded","false"),e.setAttribute("aria-label","Open chat"),s({type:"close"}),e.focus()},m=()=>t.hidden?h():c(),y=o=>{let n=d=>typeof d=="string"?d.slice(0,200):void 0;s({type:"identify",name:n(o?.name),email:n(o?.email)})};e.addEventListener("click",m),window.addEventListener("message",o=>{if(o.origin!==a||o.source!==t.contentWindow)return;let n=o.data;if(!(!n||typeof n.type!="string"))if(n.type==="ready")f=!0,b.splice(0).forEach(s),t.hidden||s({type:"open"});else if(n.type==="unread"){let d=typeof n.count=="number"?n.count:0;i.textContent=d>9?"9+":String(d),i.hidden=d<=0||!t.hidden}else n.type==="close"&&c()}),p.deskchat=Object.freeze({loaded:!0,open:h,close:c,toggle:m,identify:y});let x=()=>document.body.append(r);document.body?x():document.addEventListener("DOMContentLoaded",x)})();})();
